"""Notices by email, in each user's rhythm: straight away once the change commits, in a
daily or weekly digest, or never; and no email says who the child is or who did what."""

import datetime

import pytest
from django.conf import settings

from knotwork.casework.tests.case_fixtures import today  # noqa: F401
from knotwork.notices.models import Notice, NoticePreference
from knotwork.notices.services import notice_digest_send, notice_preference_set
from knotwork.notices.tests.team_helpers import add_action, build_team
from knotwork.pupils.models import Enrolment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]


@pytest.fixture
def team(cast):
    return build_team(cast)


def personal_data(team):
    """Everything an email must never say: the child's names and UPN, the people's names."""
    pupil = team.case.pupil
    people = [team.lead, team.caseworker, team.head_of_year]
    return [pupil.legal_forename, pupil.legal_surname, pupil.upn, "Daily report card"] + [
        p.first_name for p in people
    ]


def assert_nothing_personal(message, team):
    text = f"{message.subject}\n{message.body}"
    for secret in personal_data(team):
        assert secret not in text, secret


def test_the_tests_send_mail_to_the_locmem_backend():
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"


def test_straight_away_mail_goes_only_once_the_change_commits(
    team, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        add_action(team)
    assert mailoutbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert sorted(m.to[0] for m in mailoutbox) == [
        "caseworker@example.org",
        "head_of_year@example.org",
    ]
    assert set(Notice.objects.values_list("email", flat=True)) == {"sent"}
    assert all(n.emailed_at is not None for n in Notice.objects.all())


def test_an_email_says_the_kind_of_event_and_links_to_the_case_and_nothing_personal(
    team, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_action(team)
    message = mailoutbox[0]
    assert "a plan action was added" in message.subject
    assert f"http://localhost:8000/casework/cases/{team.case.uuid}/" in message.body
    assert "(for information)" in message.body
    assert_nothing_personal(message, team)


def test_someone_who_wants_no_email_gets_none_but_keeps_the_notice(
    team, mailoutbox, django_capture_on_commit_callbacks
):
    notice_preference_set(actor=team.caseworker, rhythm="never")
    with django_capture_on_commit_callbacks(execute=True):
        add_action(team)
    assert [m.to for m in mailoutbox] == [["head_of_year@example.org"]]
    assert Notice.objects.get(recipient=team.caseworker).email == "none"


def test_a_daily_digest_gathers_the_days_notices_into_one_email(
    team, mailoutbox, django_capture_on_commit_callbacks
):
    notice_preference_set(actor=team.caseworker, rhythm="daily")
    with django_capture_on_commit_callbacks(execute=True):
        add_action(team)
        add_action(team, what="Mentor weekly")
    assert [m.to for m in mailoutbox] == [["head_of_year@example.org"]] * 2
    mailoutbox.clear()
    assert notice_digest_send(rhythm="weekly") == 0
    assert notice_digest_send(rhythm="daily") == 1
    (digest,) = mailoutbox
    assert digest.to == ["caseworker@example.org"]
    assert digest.subject == "knotwork: 2 notices on your cases today"
    assert digest.body.count(f"/casework/cases/{team.case.uuid}/") == 2
    assert_nothing_personal(digest, team)
    assert notice_digest_send(rhythm="daily") == 0  # sent once


def test_a_weekly_digest_goes_to_those_who_chose_it(team, mailoutbox):
    NoticePreference.objects.create(user=team.head_of_year, rhythm="weekly")
    add_action(team)
    assert notice_digest_send(rhythm="daily") == 0
    assert notice_digest_send(rhythm="weekly") == 1
    assert mailoutbox[-1].subject == "knotwork: 1 notice on your cases this week"


def test_a_digest_leaves_out_what_the_reader_may_no_longer_see(cast, team, mailoutbox):
    notice_preference_set(actor=team.head_of_year, rhythm="daily")
    add_action(team)
    Enrolment.objects.filter(pupil=cast.linked_pupil).update(end_date=datetime.date(2026, 11, 23))
    assert notice_digest_send(rhythm="daily") == 0
    assert mailoutbox == []
    assert Notice.objects.get(recipient=team.head_of_year).email == "none"


def test_moving_from_a_digest_to_straight_away_keeps_the_backlog_in_knotwork_only(team):
    notice_preference_set(actor=team.caseworker, rhythm="weekly")
    add_action(team)
    notice_preference_set(actor=team.caseworker, rhythm="daily")
    assert Notice.objects.get(recipient=team.caseworker).email == "pending"
    notice_preference_set(actor=team.caseworker, rhythm="immediately")
    assert Notice.objects.get(recipient=team.caseworker).email == "none"


def test_someone_without_an_email_address_is_told_only_in_knotwork(
    team, mailoutbox, django_capture_on_commit_callbacks
):
    team.head_of_year.email = ""
    team.head_of_year.save()
    with django_capture_on_commit_callbacks(execute=True):
        add_action(team)
    assert [m.to for m in mailoutbox] == [["caseworker@example.org"]]
    assert Notice.objects.get(recipient=team.head_of_year).email == "none"
