"""Audit rows written one at a time and many at once say the same things."""

import pytest

from knotwork.core.audit import audit_record, audit_record_many
from knotwork.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _said(entry: AuditEntry) -> tuple:
    return (
        entry.actor_id,
        entry.action,
        entry.pupil_id,
        entry.object_type,
        entry.object_id,
        entry.what,
    )


def test_many_rows_in_one_insert_match_the_rows_written_singly(cast, django_assert_num_queries):
    pupils = [cast.pupil_a, cast.pupil_b, cast.linked_pupil]
    singly = [
        audit_record(actor=cast.officer, action="view", pupil=p, obj=p, what="caseload")
        for p in pupils
    ]
    with django_assert_num_queries(1):
        many = audit_record_many(
            actor=cast.officer, action="view", records=[(p.pk, p) for p in pupils], what="caseload"
        )
    assert [_said(e) for e in many] == [_said(e) for e in singly]
    assert [e.object_id for e in many] == [str(p.uuid) for p in pupils]
    assert AuditEntry.objects.count() == 6


def test_nothing_to_record_writes_nothing(cast):
    assert audit_record_many(actor=cast.officer, action="view", records=[]) == []
    assert not AuditEntry.objects.exists()
