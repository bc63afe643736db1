"""Loaded by pytest before Django (``-p knotwork.core.test_environment``).

Gives the test run the settings a production start-up would demand, without
turning DEBUG on, so the suite runs as production does.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-real-site")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
