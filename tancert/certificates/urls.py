"""The certificates app's one URL map: decisions and certificates, then each feature's routes.
The lifecycle route ``certificates/<pk>/<change>/`` comes last: it would swallow the named ones."""

from django.urls import include, path

from tancert.certificates import views

urlpatterns = [
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/audit/<id:audit_id>/", views.decision_page, name="decision_page"),
    path("decisions/<id:decision_id>/issue/", views.issue, name="certificate_issue"),
    path("audits/<id:audit_id>/decide/", views.decide, name="decide"),
    path("certificates/", views.certificates, name="certificates"),
    path("certificates/dashboard/", views.dashboard_page, name="certificate_dashboard"),
    path("certificates/export.xlsx", views.certificates_export, name="certificates_export"),
    path("", include("tancert.certificates.export.urls")),
    path("", include("tancert.certificates.marks.urls")),
    path("", include("tancert.certificates.transfer.urls")),
    path("", include("tancert.certificates.complaints.urls")),
    path("", include("tancert.certificates.register.urls")),
    path("", include("tancert.certificates.proposals.urls")),
    path("", include("tancert.certificates.notices.urls")),
    path("certificates/<id:pk>/", views.certificate, name="certificate"),
    path("certificates/<id:pk>/v<id:version>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/<id:pk>/renew/", views.renew, name="certificate_renew"),
    path("certificates/<id:pk>/change-request/", views.change_request, name="certificate_change_request"),
    path("certificates/<id:pk>/change-request/<id:request_id>/<str:outcome>/", views.change_review,
         name="certificate_change_review"),
    path("certificates/<id:pk>/english/", views.english, name="certificate_english"),
    path("certificates/<id:pk>/v<id:version>-en.pdf", views.english_pdf, name="certificate_pdf_en"),
    path("certificates/<id:pk>/change-decision/<id:request_id>/<str:outcome>/", views.change_decide,
         name="certificate_change_decide"),
    path("certificates/<id:pk>/<str:change>/", views.lifecycle, name="certificate_lifecycle"),
]
