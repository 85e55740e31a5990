"""Every app's URL map, included once; the API under /api/v1/."""

from django.urls import include, path

from tancert.api.router import api

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
