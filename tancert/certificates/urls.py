"""The certificates app's one URL map: decisions and certificates, then each feature's routes.
The lifecycle route ``certificates/<pk>/<change>/`` comes last: it would swallow the named ones."""

from django.urls import include, path

from tancert.certificates import views

urlpatterns = [
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/audit/<int:audit_id>/", views.decision_page, name="decision_page"),
    path("decisions/<int:decision_id>/issue/", views.issue, name="certificate_issue"),
    path("audits/<int:audit_id>/decide/", views.decide, name="decide"),
    path("certificates/", views.certificates, name="certificates"),
    path("certificates/dashboard/", views.dashboard_page, name="certificate_dashboard"),
    path("", include("tancert.certificates.export.urls")),
    path("", include("tancert.certificates.marks.urls")),
    path("", include("tancert.certificates.transfer.urls")),
    path("", include("tancert.certificates.complaints.urls")),
    path("", include("tancert.certificates.register.urls")),
    path("", include("tancert.certificates.proposals.urls")),
    path("certificates/<int:pk>/", views.certificate, name="certificate"),
    path("certificates/<int:pk>/v<int:version>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/<int:pk>/renew/", views.renew, name="certificate_renew"),
    path("certificates/<int:pk>/change-request/", views.change_request, name="certificate_change_request"),
    path("certificates/<int:pk>/change-request/<int:request_id>/<str:outcome>/", views.change_review,
         name="certificate_change_review"),
    path("certificates/<int:pk>/english/", views.english, name="certificate_english"),
    path("certificates/<int:pk>/v<int:version>-en.pdf", views.english_pdf, name="certificate_pdf_en"),
    path("certificates/<int:pk>/change-decision/<int:request_id>/<str:outcome>/", views.change_decide,
         name="certificate_change_decide"),
    path("certificates/<int:pk>/<str:change>/", views.lifecycle, name="certificate_lifecycle"),
]
