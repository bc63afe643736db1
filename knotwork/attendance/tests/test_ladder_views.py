import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from knotwork.attendance.models import LadderStep
from knotwork.attendance.testing import fill_register, whole_day
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD
from knotwork.pupils.models import Contact

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 24)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 24, 10, 0), tick=False):
        yield


@pytest.fixture
def mum(cast):
    return Contact.objects.create(
        pupil=cast.pupil_a,
        name="Maria Ahmed",
        relationship="Mother",
        parental_responsibility=True,
        address="1 High Street\nEast Marsh\nEM1 1AA",
        email="maria@example.org",
        phone="07700 900123",
        preferred_channel=Contact.Channel.LETTER,
    )


@pytest.fixture
def dad(cast):
    return Contact.objects.create(
        pupil=cast.pupil_a,
        name="Omar Ahmed",
        relationship="Father",
        parental_responsibility=True,
        preferred_channel=Contact.Channel.EMAIL,
        email="omar@example.org",
        priority=2,
    )


def signed_in(client, username="officer"):
    client.login(username=username, password=PASSWORD)
    return client


def ladder_url(pupil):
    return reverse("attendance:ladder", args=[pupil.uuid])


def add_url(pupil, kind):
    return reverse("attendance:ladder-step-add", args=[pupil.uuid, kind])


def make_step(cast, kind="letter_1", status="planned", parent=None, on=TODAY, **extra):
    return LadderStep.objects.create(
        pupil=cast.pupil_a,
        kind=kind,
        status=status,
        date=on,
        owner=cast.officer,
        created_by=cast.officer,
        parent=parent,
        **extra,
    )


def penalty_threshold_met(cast):
    """10 unauthorised sessions in the last weeks: the threshold holds on TODAY."""
    marks = {}
    for day in (D(2026, 11, 16), D(2026, 11, 17), D(2026, 11, 18), D(2026, 11, 19)):
        marks.update(whole_day(day, "G"))
    marks.update(whole_day(D(2026, 11, 23), "N"))
    enrolment = cast.pupil_a.enrolments.select_related("setting").get()
    fill_register(enrolment, 2026, through=TODAY, marks=marks)


# --- the ladder page -------------------------------------------------------------------


def test_the_officer_sees_the_ladder_and_the_view_is_audited(client, cast, mum):
    response = signed_in(client).get(ladder_url(cast.pupil_a))
    assert response.status_code == 200
    page = response.context["page"]
    assert page.position is None and page.can_edit
    assert "letter_1" in [kind for kind, _ in page.allowed]
    content = response.content.decode()
    assert "Not on the ladder yet" in content and "govuk-task-list" in content
    assert reverse("attendance:ladder-step-add", args=[cast.pupil_a.uuid, "letter_1"]) in content
    entry = AuditEntry.objects.get(action="view", pupil=cast.pupil_a)
    assert (entry.actor, entry.what) == (cast.officer, "attendance ladder")


def test_the_page_shows_the_signs_and_what_is_due_next(client, cast, mum):
    penalty_threshold_met(cast)
    response = signed_in(client).get(ladder_url(cast.pupil_a))
    page = response.context["page"]
    assert "penalty_threshold" in {s.kind for s in page.signals}
    assert (page.next_step.kind, page.next_step.due_on) == ("letter_1", TODAY)
    assert "Penalty notice threshold reached" in response.content.decode()


def test_a_read_only_user_sees_the_ladder_but_no_way_to_change_it(client, cast, mum):
    step = make_step(cast, parent=mum)
    client = signed_in(client, "head_of_year")
    response = client.get(ladder_url(cast.pupil_a))
    assert response.status_code == 200
    assert response.context["page"].can_edit is False
    assert b"Add a step" not in response.content
    assert client.get(add_url(cast.pupil_a, "letter_1")).status_code == 403
    assert client.post(add_url(cast.pupil_a, "letter_1"), {}).status_code == 403
    detail = client.get(reverse("attendance:ladder-step", args=[step.uuid]))
    assert detail.status_code == 200 and b"Mark as done" not in detail.content
    complete = reverse("attendance:ladder-step-complete", args=[step.uuid])
    withdraw = reverse("attendance:ladder-step-withdraw", args=[step.uuid])
    assert client.post(complete, {"outcome": "Sent", "version": 1}).status_code == 403
    assert client.post(withdraw, {"reason": "No", "version": 1}).status_code == 403
    step.refresh_from_db()
    assert step.status == "planned"


def test_an_outsider_gets_404_everywhere(client, cast, mum):
    step = make_step(cast, parent=mum)
    client = signed_in(client, "outsider")
    urls = [
        ladder_url(cast.pupil_a),
        add_url(cast.pupil_a, "letter_1"),
        reverse("attendance:ladder-step", args=[step.uuid]),
        reverse("attendance:ladder-letter", args=[step.uuid]),
        reverse("attendance:ladder-export", args=[cast.pupil_a.uuid]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    complete = reverse("attendance:ladder-step-complete", args=[step.uuid])
    assert client.post(complete, {"outcome": "x", "version": 1}).status_code == 404
    assert not AuditEntry.objects.filter(pupil=cast.pupil_a).exists()


def test_signed_out_goes_to_sign_in(client, cast):
    response = client.get(ladder_url(cast.pupil_a))
    assert response.status_code == 302 and "/account/sign-in/" in response.url


# --- adding a step ---------------------------------------------------------------------


def test_the_officer_adds_a_stage_1_letter(client, cast, mum):
    client = signed_in(client)
    form = client.get(add_url(cast.pupil_a, "letter_1"))
    assert form.status_code == 200
    assert form.context["form"].initial["parent"] == mum.pk
    response = client.post(
        add_url(cast.pupil_a, "letter_1"),
        {"date": "2026-11-24", "owner": cast.officer.pk, "parent": mum.pk, "review_on": ""},
    )
    assert response.status_code == 302 and response.url == ladder_url(cast.pupil_a)
    step = LadderStep.objects.get()
    assert (step.kind, step.status, step.date, step.owner, step.parent) == (
        "letter_1",
        "planned",
        TODAY,
        cast.officer,
        mum,
    )
    assert step.details == {"channel": "letter"}
    entry = AuditEntry.objects.get(action="create")
    assert (entry.actor, entry.pupil, entry.object_id, entry.what) == (
        cast.officer,
        cast.pupil_a,
        str(step.uuid),
        "ladder letter_1",
    )


def test_invalid_input_re_shows_what_was_typed_and_saves_nothing(client, cast, mum):
    response = signed_in(client).post(
        add_url(cast.pupil_a, "letter_1"),
        {
            "date": "31/02/2026",
            "owner": cast.officer.pk,
            "parent": mum.pk,
            "review_on": "2027-01-05",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date"]
    assert b'value="2027-01-05"' in response.content
    assert b"There is a problem" in response.content
    assert not LadderStep.objects.exists()


def test_a_step_the_rules_refuse_is_re_shown_with_the_reason(client, cast, mum):
    response = signed_in(client).post(
        add_url(cast.pupil_a, "letter_2"),
        {"date": "2026-11-24", "owner": cast.officer.pk, "parent": mum.pk},
    )
    assert response.status_code == 200
    assert "Send the stage 1 letter first." in response.content.decode()
    assert not LadderStep.objects.exists()


def test_a_panel_records_its_targets_as_fields(client, cast, mum):
    make_step(cast, status="done", parent=mum, on=D(2026, 10, 1), outcome="Posted")
    response = signed_in(client).post(
        add_url(cast.pupil_a, "panel"),
        {
            "date": "2026-11-24",
            "owner": cast.officer.pk,
            "review_on": "2027-01-19",
            "target_attendance": "95",
            "agreed_actions": "Breakfast club; weekly check-in with the attendance officer",
            "contract_agreed": "on",
        },
    )
    assert response.status_code == 302
    panel = LadderStep.objects.get(kind="panel")
    assert panel.review_on == D(2027, 1, 19)
    assert panel.details == {
        "target_attendance": "95",
        "agreed_actions": "Breakfast club; weekly check-in with the attendance officer",
        "contract_agreed": True,
    }


def test_a_panel_without_targets_is_re_shown(client, cast, mum):
    make_step(cast, status="done", parent=mum, on=D(2026, 10, 1), outcome="Posted")
    response = signed_in(client).post(
        add_url(cast.pupil_a, "panel"),
        {"date": "2026-11-24", "owner": cast.officer.pk, "review_on": "", "agreed_actions": ""},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"review_on", "target_attendance", "agreed_actions"} <= set(errors)
    assert not LadderStep.objects.filter(kind="panel").exists()


def support_given(cast, mum):
    for kind in ("letter_1", "letter_2", "letter_3"):
        make_step(cast, kind=kind, status="done", parent=mum, on=D(2026, 9, 20), outcome="Sent")
    make_step(cast, kind="panel", status="done", on=D(2026, 10, 5), outcome="Contract agreed")


def test_a_penalty_notice_s_amount_is_worked_out_not_typed(client, cast, mum, dad):
    support_given(cast, mum)
    penalty_threshold_met(cast)
    make_step(cast, kind="penalty_notice", status="done", parent=mum, on=D(2025, 3, 3))
    client = signed_in(client)
    form = client.get(add_url(cast.pupil_a, "penalty_notice"))
    assert "amount" not in form.context["form"].fields
    terms = dict(form.context["penalty_terms"])
    assert terms[mum].startswith("Notice 2: £160 (no reduction)")
    assert terms[dad].startswith("Notice 1: £80 if paid by 15 December 2026")
    response = client.post(
        add_url(cast.pupil_a, "penalty_notice"),
        {"date": "2026-11-24", "owner": cast.officer.pk, "parent": dad.pk, "amount": "1"},
    )
    assert response.status_code == 302
    notice = LadderStep.objects.get(kind="penalty_notice", parent=dad)
    assert notice.details["amount"] == "160" and notice.details["early_amount"] == "80"
    assert notice.details["notice_number"] == 1


def test_a_third_notice_is_refused_with_a_clear_reason(client, cast, mum):
    support_given(cast, mum)
    penalty_threshold_met(cast)
    make_step(cast, kind="penalty_notice", status="done", parent=mum, on=D(2025, 3, 3))
    make_step(cast, kind="penalty_notice", status="done", parent=mum, on=D(2026, 1, 12))
    response = signed_in(client).post(
        add_url(cast.pupil_a, "penalty_notice"),
        {"date": "2026-11-24", "owner": cast.officer.pk, "parent": mum.pk},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "A third is not allowed" in content and "prosecution" in content
    assert LadderStep.objects.filter(kind="penalty_notice").count() == 2


def test_an_unknown_kind_is_404(client, cast):
    assert signed_in(client).get(add_url(cast.pupil_a, "detention")).status_code == 404


# --- a step: done, withdrawn, its letter -----------------------------------------------


def test_marking_a_step_done_with_its_outcome(client, cast, mum):
    step = make_step(cast, parent=mum)
    url = reverse("attendance:ladder-step-complete", args=[step.uuid])
    client = signed_in(client)
    assert client.get(url).status_code == 405
    response = client.post(url, {"outcome": "Posted first class", "version": 1})
    assert response.status_code == 302 and response.url == ladder_url(cast.pupil_a)
    step.refresh_from_db()
    assert (step.status, step.outcome, step.version) == ("done", "Posted first class", 2)
    entry = AuditEntry.objects.get(action="update")
    assert (entry.pupil, entry.what) == (cast.pupil_a, "ladder letter_1 done")
    assert "Posted" not in entry.what


def test_two_people_completing_the_same_step_are_told(client, cast, mum):
    step = make_step(cast, parent=mum)
    url = reverse("attendance:ladder-step-complete", args=[step.uuid])
    client = signed_in(client)
    client.post(url, {"outcome": "Posted", "version": 1})
    response = client.post(url, {"outcome": "Emailed", "version": 1})
    assert response.status_code == 200
    assert "Someone else changed this step" in response.content.decode()
    assert response.context["complete_form"]["version"].value() == "2"
    step.refresh_from_db()
    assert (step.outcome, step.version) == ("Posted", 2)


def test_an_empty_outcome_is_re_shown_and_nothing_changes(client, cast, mum):
    step = make_step(cast, parent=mum)
    url = reverse("attendance:ladder-step-complete", args=[step.uuid])
    response = signed_in(client).post(url, {"outcome": "  ", "version": 1})
    assert response.status_code == 200
    assert response.context["complete_form"].errors
    step.refresh_from_db()
    assert step.status == "planned"


def test_withdrawing_a_step(client, cast, mum):
    step = make_step(cast, parent=mum, status="done", outcome="Posted")
    url = reverse("attendance:ladder-step-withdraw", args=[step.uuid])
    client = signed_in(client)
    assert client.get(url).status_code == 405
    response = client.post(url, {"reason": "Sent to the wrong address", "version": 1})
    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.status, step.outcome) == ("withdrawn", "Sent to the wrong address")
    assert step.details["outcome_before_withdrawal"] == "Posted"
    assert AuditEntry.objects.get(action="update").what == "ladder letter_1 withdrawn"


def test_a_withdrawal_needs_a_reason(client, cast, mum):
    step = make_step(cast, parent=mum)
    url = reverse("attendance:ladder-step-withdraw", args=[step.uuid])
    response = signed_in(client).post(url, {"reason": "", "version": 1})
    assert response.status_code == 200 and response.context["withdraw_form"].errors
    step.refresh_from_db()
    assert step.status == "planned"


def test_the_step_page_shows_the_letter_in_the_parent_s_channel(client, cast, mum, dad):
    by_post = make_step(cast, parent=mum)
    by_email = make_step(cast, kind="letter_2", parent=dad)
    client = signed_in(client)
    post = client.get(reverse("attendance:ladder-step", args=[by_post.uuid]))
    assert b'id="letter-post"' in post.content and b'id="letter-pdf"' in post.content
    email = client.get(reverse("attendance:ladder-step", args=[by_email.uuid]))
    assert b'id="letter-email"' in email.content and b'id="letter-pdf"' in email.content
    assert "Dear Omar Ahmed," in email.content.decode()
    entry = AuditEntry.objects.filter(action="view").first()
    assert (entry.object_id, entry.what) == (str(by_email.uuid), "ladder letter_2")


def test_the_letter_downloads_as_a_pdf_and_is_audited(client, cast, mum):
    step = make_step(cast, parent=mum)
    response = signed_in(client).get(reverse("attendance:ladder-letter", args=[step.uuid]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == (
        'attachment; filename="attendance-letter-stage-1-2026-11-24.pdf"'
    )
    entry = AuditEntry.objects.get(action="view")
    assert (entry.pupil, entry.object_id, entry.what) == (
        cast.pupil_a,
        str(step.uuid),
        "letter pdf letter_1",
    )


def test_a_step_without_a_letter_has_no_pdf(client, cast):
    step = make_step(cast, kind="panel")
    assert (
        signed_in(client).get(reverse("attendance:ladder-letter", args=[step.uuid])).status_code
        == 404
    )


def test_the_steps_download_as_csv(client, cast, mum):
    make_step(cast, parent=mum, status="done", outcome="=HYPERLINK()")
    response = signed_in(client).get(reverse("attendance:ladder-export", args=[cast.pupil_a.uuid]))
    assert response["Content-Type"] == "text/csv"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Step,Status,Date,Owner,Addressed to,Review date,Outcome"
    assert lines[1] == '"Letter, stage 1",Done,2026-11-24,Olu,Maria Ahmed (Mother),,\'=HYPERLINK()'
    assert AuditEntry.objects.get(action="export").what == "ladder steps csv"


def test_the_steps_offered_start_above_the_current_rung(client, cast, mum):
    make_step(cast, status="done", parent=mum, on=D(2026, 10, 1), outcome="Posted")
    page = signed_in(client).get(ladder_url(cast.pupil_a)).context["page"]
    assert [kind for kind, _ in page.allowed] == ["letter_2", "panel"]
    statuses = {rung.kind: rung.status for rung in page.rungs}
    assert statuses["letter_1"] == "done"
    assert statuses["letter_2"] == "due"
    assert statuses["panel"] == "available"
    assert statuses["notice_to_improve"] == "blocked"


def test_the_ladder_page_takes_the_same_queries_for_few_steps_or_many(client, cast, mum):
    client = signed_in(client)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(ladder_url(cast.pupil_a)).status_code == 200
        return len(captured.captured_queries)

    make_step(cast, status="done", parent=mum, on=D(2026, 10, 1), outcome="Posted")
    few = queries()
    for kind in ("letter_2", "letter_3", "panel", "notice_to_improve", "eso"):
        make_step(cast, kind=kind, status="done", parent=mum, on=D(2026, 10, 5), outcome="x")
    assert queries() == few
    assert few <= 20, few
