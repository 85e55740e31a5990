import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tancert.settings")


def _application():
    """The public lookup API is answered in front of the middleware stack; everything else by Django as usual
    (tancert/api/fastpath.py). The fast path is imported once the settings are configured."""
    django_app = get_wsgi_application()
    from tancert.api.fastpath import PublicLookupFastPath

    return PublicLookupFastPath(django_app)


application = _application()
