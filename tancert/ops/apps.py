from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "tancert.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self):
        from django.db.models.signals import post_save

        from tancert.ops.notifications.triggers import after_append
        from tancert.records.models import Event

        post_save.connect(after_append, sender=Event, dispatch_uid="ops.notifications.after_append")
