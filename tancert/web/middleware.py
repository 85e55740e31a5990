"""Chinese first (docs/i18n.md): the UI is in Simplified Chinese unless the user chose English.

Django's LocaleMiddleware would follow the browser's Accept-Language header, so an English
browser would silently get English pages; here only the explicit choice (the language
cookie set by the switch in the header) changes the language.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
