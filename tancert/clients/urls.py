from django.urls import path

from tancert.clients import views
from tancert.clients.contracts import views as contract
from tancert.clients.profile import views as data

urlpatterns = [
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/<int:pk>/archive.zip", views.organisation_archive_download, name="organisation_archive"),
    path("applications/", views.applications, name="applications"),
    path("applications/new/", views.application_new, name="application_new"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("applications/<int:pk>/documents/<str:code>/upload/", views.document_upload, name="document_upload"),
    path("applications/<int:pk>/documents/upload-all/", views.documents_upload_all, name="documents_upload_all"),
    path("applications/<int:pk>/documents/<str:code>/not-applicable/", views.document_not_applicable,
         name="document_not_applicable"),
    path("applications/<int:pk>/documents/file/<int:doc_id>/", views.document_download, name="document_download"),
    path("applications/<int:pk>/commitment/", views.commitment, name="commitment"),
    path("applications/<int:pk>/details/", data.details, name="application_details"),
    path("applications/<int:pk>/simple-process/", data.judge_simple_process, name="application_simple_process"),
    path("applications/<int:pk>/eligibility/", data.eligibility, name="application_eligibility"),
    path("applications/<int:pk>/data/<str:kind>/", data.add_item, name="application_data_add"),
    path("applications/<int:pk>/data/<str:kind>/<int:item_id>/remove/", data.remove_item,
         name="application_data_remove"),
    path("applications/<int:pk>/contract/sign/", contract.sign, name="contract_sign"),
    path("applications/<int:pk>/contract/payment/", contract.payment, name="contract_payment"),
    path("applications/<int:pk>/contract.pdf", contract.contract_pdf, name="contract_pdf"),
    path("applications/<int:pk>/submit/", views.submit, name="application_submit"),
    path("applications/<int:pk>/review/<str:outcome>/", views.review, name="application_review"),
]
