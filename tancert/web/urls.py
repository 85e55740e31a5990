from django.contrib.auth import views as auth_views
from django.urls import include, path

from tancert.audits import views as audits
from tancert.audits import views_planning as planning
from tancert.certificates import views as certs
from tancert.clients import views as clients
from tancert.clients import views_data as client_data
from tancert.ops import views as ops
from tancert.people import views as people
from tancert.records import views as records
from tancert.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("signup/", views.signup, name="signup"),
    path("register/", views.register, name="register"),
    path("register/seal-key.pem", views.seal_public_key, name="seal_public_key"),
    path("register/<str:number>/", views.register_certificate, name="register_certificate"),
    path("register/<str:number>/v<int:version>/", views.register_version, name="register_version"),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("me/", people.me, name="me"),
    path("me/tokens/", people.token_create, name="token_create"),
    path("me/tokens/<int:pk>/revoke/", people.token_revoke, name="token_revoke"),
    path("organisations/", clients.organisations, name="organisations"),
    path("organisations/<int:pk>/", clients.organisation, name="organisation"),
    path("organisations/<int:pk>/archive.zip", clients.organisation_archive_download, name="organisation_archive"),
    path("applications/", clients.applications, name="applications"),
    path("applications/new/", clients.application_new, name="application_new"),
    path("applications/<int:pk>/", clients.application, name="application"),
    path("applications/<int:pk>/documents/<str:code>/upload/", clients.document_upload, name="document_upload"),
    path("applications/<int:pk>/documents/upload-all/", clients.documents_upload_all, name="documents_upload_all"),
    path("applications/<int:pk>/documents/<str:code>/not-applicable/", clients.document_not_applicable,
         name="document_not_applicable"),
    path("applications/<int:pk>/documents/file/<int:doc_id>/", clients.document_download, name="document_download"),
    path("applications/<int:pk>/commitment/", clients.commitment, name="commitment"),
    path("applications/<int:pk>/details/", client_data.details, name="application_details"),
    path("applications/<int:pk>/eligibility/", client_data.eligibility, name="application_eligibility"),
    path("applications/<int:pk>/data/<str:kind>/", client_data.add_item, name="application_data_add"),
    path("applications/<int:pk>/data/<str:kind>/<int:item_id>/remove/", client_data.remove_item,
         name="application_data_remove"),
    path("applications/<int:pk>/contract/sign/", client_data.sign, name="contract_sign"),
    path("applications/<int:pk>/contract/payment/", client_data.payment, name="contract_payment"),
    path("applications/<int:pk>/contract.pdf", client_data.contract_pdf, name="contract_pdf"),
    path("applications/<int:pk>/submit/", clients.submit, name="application_submit"),
    path("applications/<int:pk>/review/<str:outcome>/", clients.review, name="application_review"),
    path("applications/<int:application_id>/plan/", planning.plan, name="audit_plan"),
    path("organisations/<int:org_id>/programme/", planning.programme, name="programme"),
    path("audits/<int:pk>/confirm-team/", planning.confirm_team, name="audit_confirm_team"),
    path("audits/<int:pk>/move/", planning.move_audit, name="audit_move"),
    path("audits/<int:pk>/plan/", planning.issue_plan, name="audit_issue_plan"),
    path("audits/<int:pk>/plan/<int:version>.pdf", planning.plan_pdf, name="audit_plan_pdf"),
    path("audits/mine/", planning.my_audits, name="my_audits"),
    path("audits/calendar/", planning.calendar, name="audit_calendar"),
    path("audits/calendar/auditors/", planning.auditor_calendar, name="auditor_calendar"),
    path("audits/", audits.audits, name="audits"),
    path("audits/<int:pk>/", audits.audit, name="audit"),
    path("audits/<int:pk>/findings/", audits.raise_finding, name="finding_raise"),
    path("audits/<int:pk>/findings/<int:finding_id>/respond/", audits.respond, name="finding_respond"),
    path("audits/<int:pk>/findings/<int:finding_id>/review/", audits.review_response, name="finding_review"),
    path("audits/<int:pk>/complete/", audits.complete, name="audit_complete"),
    path("audits/<int:audit_id>/decide/", certs.decide, name="decide"),
    path("decisions/", certs.decisions, name="decisions"),
    path("decisions/<int:decision_id>/issue/", certs.issue, name="certificate_issue"),
    path("certificates/", certs.certificates, name="certificates"),
    path("certificates/<int:pk>/", certs.certificate, name="certificate"),
    path("certificates/<int:pk>/v<int:version>.pdf", certs.certificate_pdf, name="certificate_pdf"),
    path("certificates/<int:pk>/<str:change>/", certs.lifecycle, name="certificate_lifecycle"),
    path("notifications/", ops.notifications, name="notifications"),
    path("calendar/", ops.calendar, name="calendar"),
    path("calendar/set/", ops.calendar_set, name="calendar_set"),
    path("calendar/<str:day>/remove/", ops.calendar_remove, name="calendar_remove"),
    path("auditors/", include("tancert.people.urls")),
    path("records/", records.records, name="records"),
    path("records/<int:seq>/", records.event, name="event"),
    path("records/<int:seq>/attach/", records.attach, name="event_attach"),
]
