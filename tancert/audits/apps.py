from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "tancert.audits"
    label = "audits"
    verbose_name = "Audits"

    def ready(self):
        from tancert.audits import notifications  # noqa: F401 — registers the notices of this app's recorded steps
