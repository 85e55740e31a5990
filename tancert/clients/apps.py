from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "tancert.clients"
    label = "clients"
    verbose_name = "Clients"
