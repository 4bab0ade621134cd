"""Settings for the test suite (pytest.ini): the real settings, plus only what makes tests faster.

Nothing here may change what the application does. Every value must also work in another process:
the Celery worker and beat started by tests/followups/test_celery_worker.py run with this module too,
so no in-memory database, cache or broker.
"""

import os

from crm_project.settings import *  # noqa: F403
from crm_project.settings import DATABASES, VAR_DIR

# PBKDF2's million rounds cost a third of a second for every user a factory creates or a test logs
# in; MD5 makes that free. The factories' password still logs in through the real login form.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file of this run's own (a worker started by a test opens it by name), so that two runs in
    # the same checkout do not delete each other's database; Django removes it at the end.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
