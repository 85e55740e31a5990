from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "tancert.audits"
    label = "audits"
    verbose_name = "Audits"
