"""Settings for the test suite: the development defaults, with a fast password hasher."""

import os

os.environ.setdefault("DEBUG", "true")

from api.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SMS_BACKEND = "assessments.measures.sms.LocmemBackend"
# The tests that read from a replica add their own, on the test database
# (tests/replica/conftest.py); a configured one would be a database the suite never set up.
DATABASES.pop("replica", None)  # noqa: F405
DATABASE_ROUTERS = []
