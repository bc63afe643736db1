import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The monitor keeps the roll by pupil group a while; each test counts its own."""
    cache.clear()
    yield
    cache.clear()
