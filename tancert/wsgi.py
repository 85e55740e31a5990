import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tancert.settings")
# The public lookup API is answered in front of the middleware stack; everything else by Django as usual
# (tancert/api/fastpath.py).
_django = get_wsgi_application()

from tancert.api.fastpath import PublicLookupFastPath  # noqa: E402 (needs the settings configured above)

application = PublicLookupFastPath(_django)
