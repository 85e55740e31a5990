from django.conf import settings
from django.utils import translation


def body(request):
    lang = translation.get_language() or "zh-hans"
    b = settings.TANCERT_BODY
    ctx = {"BODY_NAME": b["name_zh"] if lang.startswith("zh") else b["name_en"], "BODY": b}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        ctx["unread_notifications"] = user.notifications.filter(read_at__isnull=True).count()
    return ctx
