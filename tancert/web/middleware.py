"""Chinese first (docs/i18n.md): the UI is in Simplified Chinese unless the user chose English.

Django's LocaleMiddleware would follow the browser's Accept-Language header, so an English
browser would silently get English pages; here only the explicit choice (the language
cookie set by the switch in the header) changes the language.
"""

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class NulRefusedMiddleware:
    """Refuse a request whose address, query or form fields carry the NUL character (0x00) with a 400.

    PostgreSQL cannot compare or store NUL in text, so a NUL reaching a lookup (/register/<number>/, a search)
    would end in a database error — a 500 on PostgreSQL while SQLite answered. Django's form fields refuse it
    already; this covers the path, the query string and url-encoded bodies before any view runs. File uploads
    (multipart) are not read here: a file may hold any bytes. JSON bodies: api/parser.py (docs/security.md).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = request.path.startswith("/api/")
        if "\x00" in request.path or (not api and "%00" in request.META.get("QUERY_STRING", "")) \
                or self._form_has_nul(request):
            if api:  # the API's error body, with a code every operation declares (api/errors.py)
                from django.http import JsonResponse
                from django.utils.translation import gettext as _

                message = _("The text contains a NUL character (0x00); remove it.")
                return JsonResponse({"detail": message, "message": message, "field": None}, status=422)
            raise BadRequest("NUL character in the request")  # Django answers with the 400 page
        return self.get_response(request)

    @staticmethod
    def _form_has_nul(request) -> bool:
        if request.method != "POST" or not request.content_type == "application/x-www-form-urlencoded":
            return False
        try:
            return b"%00" in request.body or b"\x00" in request.body
        except RequestDataTooBig:  # Django answers a body over DATA_UPLOAD_MAX_MEMORY_SIZE itself, later
            return False


def _chosen_language(request) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE


def request_limit(request) -> int:
    """The largest body this request may carry: a multipart upload up to TANCERT_MAX_REQUEST_BYTES (its files
    stream to disk, each then held to its own cap by the upload gate, records/uploads.py); any other body
    (JSON, a form) up to DATA_UPLOAD_MAX_MEMORY_SIZE, since it is read into memory whole."""
    if request.content_type == "multipart/form-data":
        return settings.TANCERT_MAX_REQUEST_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class RequestSizeMiddleware:
    """Refuse a body larger than its limit (request_limit) with a 413 before anything reads it.

    Django holds only the in-memory parts of a request to DATA_UPLOAD_MAX_MEMORY_SIZE: the files of a
    multipart request stream to a temporary file of any size, so one upload could fill the server's disk
    before the upload gate saw it; and an oversize JSON body reached the API as an unexplained 400 page with
    a traceback in the log. Here the declared length decides, before the body is read: the person gets a 413
    in Chinese (the API: its error body) and nothing is stored. A body without a declared length (chunked)
    is not read by Django at all. docs/security.md, "Request size".
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body of an unreadable length
        limit = request_limit(request)
        if length > limit:
            return self.refuse(request, limit)
        return self.get_response(request)

    @staticmethod
    def refuse(request, limit: int):
        from django.http import HttpResponse, JsonResponse
        from django.template.loader import render_to_string
        from django.utils.translation import gettext as _

        megabytes = max(1, limit // 2**20)
        with translation.override(_chosen_language(request)):
            message = _("The request is larger than %(limit)d MB. Send smaller files, or fewer at once.") % {
                "limit": megabytes}
            if request.path.startswith("/api/"):  # the API's error body (api/errors.py declares 413)
                return JsonResponse({"detail": message, "message": message, "field": None}, status=413)
            return HttpResponse(render_to_string("413.html", {"message": message}), status=413)
