import gc
import os
from importlib import import_module

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

from api import inline_prefetch

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "api.settings")

application = get_wsgi_application()

# Django imports the URL tree (every view, and what they import: the PDF report's reportlab
# among them) on the first request it resolves, simplejwt its token backend
# (PyJWT, cryptography's x509) on the first token it checks, and the lists build the queries of
# their inline rows on first use. Done here, that happens once in gunicorn's arbiter
# (preload_app), before the fork, instead of in each worker's first request.
get_resolver().reverse_dict  # noqa: B018 (read for its side effect: the tree imported)
import_module("rest_framework_simplejwt.state")
inline_prefetch.build_all()

# What is loaded by now lives as long as the process: out of the garbage collector's sight, a
# collection no longer walks its 200,000 objects (a full one took 115 ms here), and a forked
# worker does not copy the pages that walking them would touch.
gc.freeze()
