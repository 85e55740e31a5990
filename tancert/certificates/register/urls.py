from django.urls import path

from tancert.certificates.register import views

urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/seal-key.pem", views.seal_public_key, name="seal_public_key"),
    path("register/records/head", views.records_head, name="records_head"),
    path("register/signing-cert.pem", views.signing_certificate, name="signing_certificate"),
    path("register/verify/", views.verify_upload, name="register_verify"),
    path("register/verify/tancert_verify.py", views.verifier_script, name="verifier_script"),
    path("register/transparency/", views.transparency_log, name="transparency_log"),
    path("register/<str:number>/", views.register_certificate, name="register_certificate"),
    path("register/<str:number>/v<id:version>/", views.register_version, name="register_version"),
]
