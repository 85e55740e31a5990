from django.core.management import call_command
from django.core.management.base import BaseCommand

from tancert.demo import seed as demo


class Command(BaseCommand):
    help = "Migrate, seed the demo data (once) and serve on 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="seed only, do not start the server")

    def handle(self, *args, port, no_serve, **opts):
        import os

        from django.conf import settings

        if not os.environ.get("TANCERT_PUBLIC_URL"):
            # QR codes and e-mailed links of the demo point at the server the demo starts.
            settings.TANCERT_BODY["public_url"] = f"http://127.0.0.1:{port}"
        call_command("migrate", verbosity=0, interactive=False)
        demo.seed()
        self.stdout.write(f"tancert demo — database {settings.DATABASES['default']['NAME']}")
        self.stdout.write(f"Open http://127.0.0.1:{port}/   password for every login: {demo.DEMO_PASSWORD}")
        for username, label in demo.LOGINS:
            self.stdout.write(f"  {username:<10} {label}")
        self.stdout.write(f"Staff logins ask for a second-factor code: add the secret {demo.DEMO_OTP_SECRET} (TOTP, "
                          "6 digits, 30 s) to an authenticator app, or run `tancert otp-code` for the current code.")
        self.stdout.write(f"Passkeys: open http://localhost:{port}/ instead (browsers refuse passkeys on an IP address) "
                          "and add one on your account page.")
        self.stdout.write("  public register: /register/ (no login) · API: /api/v1/docs")
        if not no_serve:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
