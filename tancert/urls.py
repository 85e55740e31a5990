"""Every app's URL map, included once; the API under /api/v1/."""

from django.urls import include, path, register_converter

from tancert.api.router import api
from tancert.ui.converters import IdConverter

# Before the includes below: every app's routes take their ids as `<id:…>` (bounded, tancert/ui/converters.py).
register_converter(IdConverter, "id")

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("", include("tancert.web.urls")),
    path("", include("tancert.people.urls")),
    path("", include("tancert.ops.urls")),
    path("", include("tancert.records.urls")),
    path("", include("tancert.clients.urls")),
    path("", include("tancert.audits.urls")),
    path("", include("tancert.certificates.urls")),
]
