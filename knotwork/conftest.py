import pytest

from knotwork.core.browser_testing import browser, page  # noqa: F401
from knotwork.core.testing import Cast, build_cast


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    """Real hashing costs a second per cast; the tests are not about it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
