"""Settings of the end-to-end test's server and worker processes: the test settings, with the
tasks they send on a queue of the test's own, which only its worker takes (the tests' Redis
database is shared by every test that starts a worker)."""

import os

from api.settings_test import *  # noqa: F403

CELERY_TASK_DEFAULT_QUEUE = os.environ["ROOTWISE_TEST_QUEUE"]
