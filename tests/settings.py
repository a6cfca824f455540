"""Settings for the test suite: the production settings, with a throwaway key and fast password
hashing. Everything else (the database from DATABASE_URL included) is as in production."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-deployment")

from ehsaas.settings import *  # noqa: F403 - a settings override is the one place for this
from ehsaas.settings import DATABASES, VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_COOKIES = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
WHITENOISE_AUTOREFRESH = True  # serve from the finders; tests never run collectstatic

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory: the browser tests' live server answers from threads of its own, and an
    # in-memory database would have to be shared between them.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
