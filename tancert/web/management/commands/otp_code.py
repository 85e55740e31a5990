from django.core.management.base import BaseCommand

from tancert.demo import seed as demo


class Command(BaseCommand):
    help = ("Print the current second-factor code of the demo's staff (their shared, published demo secret; "
            "docs/security.md). Real accounts have secrets of their own that no command prints.")

    def handle(self, *args, **opts):
        self.stdout.write(demo.demo_otp_code())
