from django.urls import path

from tancert.certificates import pages

urlpatterns = [
    path("decisions/audit/<int:audit_id>/", pages.decision_page, name="decision_page"),
    path("certificates/dashboard/", pages.dashboard_page, name="certificate_dashboard"),
    path("certificates/export/", pages.export_page, name="regulator_export"),
    path("certificates/mark-rules/", pages.mark_rules, name="mark_rules"),
    path("certificates/<int:pk>/renew/", pages.renew, name="certificate_renew"),
    path("certificates/<int:pk>/change-request/", pages.change_request, name="certificate_change_request"),
    path("certificates/<int:pk>/change-request/<int:request_id>/<str:outcome>/", pages.change_review,
         name="certificate_change_review"),
    path("certificates/<int:pk>/english/", pages.english, name="certificate_english"),
    path("certificates/<int:pk>/v<int:version>-en.pdf", pages.english_pdf, name="certificate_pdf_en"),
    path("certificates/<int:pk>/mark.<str:kind>", pages.mark_file, name="certificate_mark"),
    path("certificates/<int:pk>/misuse/", pages.misuse, name="certificate_misuse"),
    path("transfers/", pages.transfers, name="transfers"),
    path("transfers/<int:pk>/", pages.transfer_page, name="transfer"),
]
