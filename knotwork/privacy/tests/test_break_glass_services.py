"""Breaking glass and reviewing it: who may, what is recorded, who is told."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from knotwork.core.models import AuditEntry
from knotwork.privacy.models import BreakGlass
from knotwork.privacy.services import break_glass_open, break_glass_review
from knotwork.privacy.tests.helpers import NOW, make_break_glass, make_elsewhere, make_lead, now  # noqa: F401
from knotwork.pupils.models import PupilLink

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]

SITE = "https://knotwork.example.org/"
REASON = "Sister says he has not been home since Friday."


def open_for(actor, pupil, reason=REASON):
    return break_glass_open(actor=actor, pupil=pupil, reason=reason, site_url=SITE)


def test_staff_of_another_setting_in_the_partnership_may_break_glass(cast):
    use = open_for(cast.outsider, cast.pupil_a)
    assert (use.user, use.pupil, use.partnership) == (cast.outsider, cast.pupil_a, cast.partnership)
    assert use.reason == REASON
    assert use.opened_at == NOW
    assert use.ends_at == NOW + datetime.timedelta(hours=24)


def test_the_window_is_a_setting(cast, settings):
    settings.KNOTWORK_BREAK_GLASS_HOURS = 4
    use = open_for(cast.outsider, cast.pupil_a)
    assert use.ends_at - use.opened_at == datetime.timedelta(hours=4)


def test_a_practitioner_whose_link_has_ended_may_break_glass(cast):
    PupilLink.objects.filter(user=cast.caseworker).update(ends_on=datetime.date(2026, 10, 1))
    use = open_for(cast.caseworker, cast.linked_pupil)
    assert use.pupil == cast.linked_pupil


def test_it_writes_an_audit_row_without_the_reason(cast):
    use = open_for(cast.outsider, cast.pupil_a)
    entry = AuditEntry.objects.get(what="break glass opened")
    assert (entry.actor, entry.pupil, entry.action) == (cast.outsider, cast.pupil_a, "create")
    assert entry.object_id == str(use.uuid)
    assert "home" not in entry.what


def test_board_members_can_never_break_glass(cast):
    with pytest.raises(PermissionDenied):
        open_for(cast.board_member, cast.pupil_a)
    assert not BreakGlass.objects.exists()


def test_nobody_outside_the_pupils_partnership_may_break_glass(cast):
    elsewhere = make_elsewhere()
    with pytest.raises(PermissionDenied):
        open_for(elsewhere.staff, cast.pupil_a)
    with pytest.raises(PermissionDenied):
        open_for(cast.outsider, elsewhere.pupil)
    with pytest.raises(PermissionDenied):
        open_for(cast.admin, cast.pupil_a)  # an administrator has no place in a partnership
    assert not BreakGlass.objects.exists()


def test_someone_who_already_sees_the_record_is_refused(cast):
    with pytest.raises(ValidationError, match="already see"):
        open_for(cast.officer, cast.pupil_a)
    with pytest.raises(ValidationError, match="already see"):
        open_for(cast.caseworker, cast.linked_pupil)  # the link is live
    assert not BreakGlass.objects.exists()


def test_a_reason_is_required(cast):
    with pytest.raises(ValidationError, match="Say why"):
        open_for(cast.outsider, cast.pupil_a, reason="   ")
    assert not BreakGlass.objects.exists()


def test_the_lead_is_told_by_email_with_no_personal_data(cast, django_capture_on_commit_callbacks):
    make_lead(cast.partnership)
    make_lead(cast.partnership, "second_dpo")
    with django_capture_on_commit_callbacks(execute=True):
        use = open_for(cast.outsider, cast.pupil_a)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["dpo@example.org", "second_dpo@example.org"]
    assert f"{SITE}privacy/reports/{use.uuid}/" in message.body
    text = message.subject + message.body
    for personal in ("Amira", "Ahmed", cast.pupil_a.upn, "Otto", "outsider", "Friday"):
        assert personal not in text


def test_a_lead_whose_designation_ended_is_not_told(cast, django_capture_on_commit_callbacks):
    make_lead(cast.partnership, ends_on=datetime.date(2026, 8, 31))
    with django_capture_on_commit_callbacks(execute=True):
        open_for(cast.outsider, cast.pupil_a)
    assert mail.outbox == []


def test_the_lead_marks_a_use_reviewed(cast):
    lead = make_lead(cast.partnership)
    use = make_break_glass(cast.outsider, cast.pupil_a, cast.partnership)
    break_glass_review(actor=lead, break_glass=use, note=" Justified: DSL told. ")
    use.refresh_from_db()
    assert (use.reviewed_by, use.reviewed_at, use.review_note) == (
        lead,
        NOW,
        "Justified: DSL told.",
    )
    entry = AuditEntry.objects.get(what="break glass reviewed")
    assert (entry.actor, entry.pupil, entry.action) == (lead, cast.pupil_a, "update")


def test_only_the_partnerships_lead_may_review(cast):
    elsewhere = make_elsewhere()
    use = make_break_glass(cast.outsider, cast.pupil_a, cast.partnership)
    for actor in (elsewhere.lead, cast.coordinator, cast.admin):
        with pytest.raises(PermissionDenied):
            break_glass_review(actor=actor, break_glass=use, note="Fine")
    use.refresh_from_db()
    assert use.reviewed_at is None


def test_a_use_is_reviewed_once_and_with_a_note(cast):
    lead = make_lead(cast.partnership)
    use = make_break_glass(cast.outsider, cast.pupil_a, cast.partnership)
    with pytest.raises(ValidationError, match="Say what you found"):
        break_glass_review(actor=lead, break_glass=use, note="")
    break_glass_review(actor=lead, break_glass=use, note="Fine")
    with pytest.raises(ValidationError, match="already been reviewed"):
        break_glass_review(actor=lead, break_glass=use, note="Again")
    use.refresh_from_db()
    assert use.review_note == "Fine"
