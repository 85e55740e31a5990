from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "tancert.certificates"
    label = "certificates"
    verbose_name = "Certificates"
