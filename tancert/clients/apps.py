from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "tancert.clients"
    label = "clients"
    verbose_name = "Clients"

    def ready(self):
        from tancert.clients import notifications  # noqa: F401 — registers the notices of this app's recorded steps
