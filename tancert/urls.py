from django.urls import include, path

from tancert.api.router import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("audits/", include("tancert.audits.urls")),  # checklists, stage 1 record, check-ins (docs/audits.md)
    path("", include("tancert.certificates.urls")),  # lifecycle pages (before web's catch-all lifecycle route)
    path("", include("tancert.audits.urls_carbon")),  # carbon data verification and the audit report
    path("", include("tancert.web.urls")),
]
