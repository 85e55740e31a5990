from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "tancert.ops"
    label = "ops"
    verbose_name = "Operations"
