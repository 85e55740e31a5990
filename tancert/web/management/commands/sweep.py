from django.core.management.base import BaseCommand

from tancert.certificates.actions import expire_certificates


class Command(BaseCommand):
    help = "Idempotent periodic work: expire certificates past their validity. Safe to run twice."

    def handle(self, *args, **opts):
        expired = expire_certificates()
        self.stdout.write(f"expired: {len(expired)} {' '.join(expired)}".rstrip())
