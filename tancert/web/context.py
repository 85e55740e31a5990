from django.conf import settings
from django.utils import translation


def body(request):
    lang = translation.get_language() or "zh-hans"
    b = settings.TANCERT_BODY
    return {"BODY_NAME": b["name_zh"] if lang.startswith("zh") else b["name_en"], "BODY": b}
