from django.urls import path

from tancert.clients import views
from tancert.clients.contracts import views as contract
from tancert.clients.profile import views as data

urlpatterns = [
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/<id:pk>/archive.zip", views.organisation_archive_download, name="organisation_archive"),
    path("organisations/export.xlsx", views.organisations_export, name="organisations_export"),
    path("applications/", views.applications, name="applications"),
    path("applications/export.xlsx", views.applications_export, name="applications_export"),
    path("applications/new/", views.application_new, name="application_new"),
    path("applications/<id:pk>/", views.application, name="application"),
    path("applications/<id:pk>/documents/<str:code>/upload/", views.document_upload, name="document_upload"),
    path("applications/<id:pk>/documents/upload-all/", views.documents_upload_all, name="documents_upload_all"),
    path("applications/<id:pk>/documents/<str:code>/not-applicable/", views.document_not_applicable,
         name="document_not_applicable"),
    path("applications/<id:pk>/documents/file/<id:doc_id>/", views.document_download, name="document_download"),
    path("applications/<id:pk>/commitment/", views.commitment, name="commitment"),
    path("applications/<id:pk>/details/", data.details, name="application_details"),
    path("applications/<id:pk>/scope-levels/", data.scope_levels, name="application_scope_levels"),
    path("applications/<id:pk>/simple-process/", data.judge_simple_process, name="application_simple_process"),
    path("applications/<id:pk>/eligibility/", data.eligibility, name="application_eligibility"),
    path("applications/<id:pk>/data/<str:kind>/", data.add_item, name="application_data_add"),
    path("applications/<id:pk>/data/<str:kind>/<id:item_id>/remove/", data.remove_item,
         name="application_data_remove"),
    path("applications/<id:pk>/contract/sign/", contract.sign, name="contract_sign"),
    path("applications/<id:pk>/contract/payment/", contract.payment, name="contract_payment"),
    path("applications/<id:pk>/contract.pdf", contract.contract_pdf, name="contract_pdf"),
    path("applications/<id:pk>/submit/", views.submit, name="application_submit"),
    path("applications/<id:pk>/review/<str:outcome>/", views.review, name="application_review"),
]
