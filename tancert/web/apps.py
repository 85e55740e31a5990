from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "tancert.web"
    label = "web"
    verbose_name = "Web"
