from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "tancert.certificates"
    label = "certificates"
    verbose_name = "Certificates"

    def ready(self):
        from tancert.audits.signals import audit_completed
        from tancert.certificates import notifications  # noqa: F401 — registers the notices of its recorded steps
        from tancert.certificates.actions import on_audit_completed
        from tancert.certificates.proposals.actions import on_audit_completed as propose_on_completion

        audit_completed.connect(on_audit_completed, dispatch_uid="certificates.on_audit_completed")
        audit_completed.connect(propose_on_completion, dispatch_uid="certificates.proposals.on_audit_completed")
