"""Pupils in need or looked after are found through their partial index, not a scan."""

import pytest
from django.db import connection

from knotwork.core.testing import make_pupil
from knotwork.pupils.models import Pupil

pytestmark = pytest.mark.django_db


def test_it_finds_pupils_in_need_or_looked_after_and_no_others():
    in_need = make_pupil(child_in_need=True)
    looked_after = make_pupil(looked_after=True)
    both = make_pupil(child_in_need=True, looked_after=True)
    make_pupil(fsm_eligible=True)

    assert set(Pupil.objects.social_care()) == {in_need, looked_after, both}


def test_the_lookup_can_use_the_partial_index():
    make_pupil(child_in_need=True)
    if connection.vendor == "postgresql":
        # A handful of rows is cheaper to scan; this asks only whether the index applies.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")

    # Unordered, as it runs inside the compliance page's query (``pupil_id__in=``).
    plan = Pupil.objects.social_care().order_by().values("pk").explain()

    assert "pupil_social_care_idx" in plan
