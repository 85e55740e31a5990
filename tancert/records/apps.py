from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "tancert.records"
    label = "records"
    verbose_name = "Records"
