from django.core.management.base import BaseCommand, CommandError

from tancert.people.actions import create_api_token
from tancert.people.models import User


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args, username, name, **opts):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        _token, secret = create_api_token(user, name, by=None)
        self.stdout.write(secret)
