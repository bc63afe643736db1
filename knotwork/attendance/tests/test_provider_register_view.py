"""The alternative provider's daily register: taking it, changing it, and who may."""

import datetime
import zoneinfo
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse

from knotwork.accounts.models import Role
from knotwork.attendance.models import MarkAmendment, Register
from knotwork.attendance.queries import SessionMaps
from knotwork.attendance.testing import fill_register
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD, make_pupil, make_setting, make_user
from knotwork.directory.models import PartnershipMember, Setting
from knotwork.pupils.models import Enrolment
from knotwork.termdates.models import Closure

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)
AFTERNOON = datetime.datetime(2026, 11, 23, 15, 30, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def on_a_monday_afternoon():
    with time_machine.travel(AFTERNOON, tick=False):
        yield


@pytest.fixture
def provider(cast):
    """Riverside AP: Amira placed there (dual, subsidiary) from 2 November, Kai on its roll
    alone; Priya, its tutor, edits; Rhys, its receptionist, reads."""
    ap = make_setting(name="Riverside Alternative Provision", setting_type=Setting.Type.AP)
    PartnershipMember.objects.create(
        partnership=cast.partnership,
        organisation=ap,
        representative_name="A Representative",
        representative_role="Manager",
        joined_on=datetime.date(2024, 9, 1),
    )
    Enrolment.objects.filter(pupil=cast.pupil_a).update(registration="M")
    placement = Enrolment.objects.create(
        pupil=cast.pupil_a,
        setting=ap,
        start_date=datetime.date(2026, 11, 2),
        registration=Enrolment.Registration.SUBSIDIARY,
    )
    kai = make_pupil(setting=ap, legal_forename="Kai", legal_surname="Cole")
    return SimpleNamespace(
        cast=cast,
        ap=ap,
        placement=placement,
        kai=kai,
        kai_enrolment=kai.enrolments.get(),
        tutor=make_user(
            "tutor", role=Role.SCHOOL_STAFF, organisation=ap, can_edit=True, first_name="Priya"
        ),
        reader=make_user("reader", role=Role.SCHOOL_STAFF, organisation=ap, first_name="Rhys"),
    )


def url(setting, day=MONDAY):
    return reverse("attendance:provider-register", args=[setting.uuid]) + f"?date={day}"


def key(enrolment):
    return enrolment.uuid.hex


def sheet_data(p, amira=("/", "\\"), kai=("/", "\\"), versions=(0, 0), reasons=("", "")):
    data = {}
    for enrolment, (am, pm), version, reason in zip(
        (p.placement, p.kai_enrolment), (amira, kai), versions, reasons, strict=True
    ):
        data |= {
            f"am-{key(enrolment)}": am,
            f"pm-{key(enrolment)}": pm,
            f"version-{key(enrolment)}": str(version),
            f"reason-{key(enrolment)}": reason,
        }
    return data


def marks_of(enrolment, day=MONDAY):
    year = SessionMaps().for_setting(enrolment.setting, 2026)
    register = Register.objects.get(enrolment=enrolment)
    am = year.sessions.index_of(day, "AM")
    return [
        code.code if code else None for code in (register.code_at(am), register.code_at(am + 1))
    ]


def test_the_tutor_sees_one_row_a_pupil_and_the_view_is_audited(client, provider):
    client.login(username="tutor", password=PASSWORD)
    response = client.get(url(provider.ap))
    assert response.status_code == 200
    rows = response.context["form"].rows()
    assert [r["row"].pupil for r in rows] == [provider.cast.pupil_a, provider.kai]
    html = response.content.decode()
    assert f'name="am-{key(provider.placement)}"' in html
    assert '<option value="" selected>Not marked</option>' in html
    assert '<option value="\\">\\ \u2013 Present (afternoon)</option>' in html
    assert "Register for Monday 23 November 2026" in html
    entry = AuditEntry.objects.get(action="view")
    assert (entry.actor, entry.object_id, entry.what) == (
        provider.tutor,
        str(provider.ap.uuid),
        "provider register",
    )


def test_saving_writes_the_marks_and_the_home_school_sees_them_at_once(client, provider):
    client.login(username="tutor", password=PASSWORD)
    response = client.post(url(provider.ap), sheet_data(provider, amira=("/", "N"), kai=("L", "")))
    assert response.status_code == 302
    assert response.url == url(provider.ap)
    assert marks_of(provider.placement) == ["/", "N"]
    register = Register.objects.get(enrolment=provider.kai_enrolment)
    am = SessionMaps().for_setting(provider.ap, 2026).sessions.index_of(MONDAY, "AM")
    assert register.code_at(am).code == "L" and register.code_at(am + 1) is None
    assert AuditEntry.objects.filter(action="update", actor=provider.tutor).count() == 2
    assert not MarkAmendment.objects.exists()
    banner = client.get(response.url).content.decode()
    assert "Register saved for Monday 23 November: 3 marks entered, 0 changed." in banner

    client.login(username="officer", password=PASSWORD)  # Amira's home school
    page = client.get(reverse("attendance:pupil", args=[provider.cast.pupil_a.uuid]))
    years = page.context["year"].enrolment_years
    assert [y.enrolment.setting for y in years] == [provider.cast.school_a, provider.ap]
    this_week = next(w for w in years[1].grid if w.current)
    assert [c.code for c in this_week.cells[:2]] == ["/", "N"]


def test_the_current_mark_is_preselected_and_a_change_needs_a_reason(client, provider):
    register = fill_register(provider.placement, 2026, through=MONDAY, marks={(MONDAY, "AM"): "N"})
    client.login(username="tutor", password=PASSWORD)
    form = client.get(url(provider.ap)).context["form"]
    assert form[f"am-{key(provider.placement)}"].value() == "N"
    assert form[f"version-{key(provider.placement)}"].value() == register.version

    data = sheet_data(provider, amira=("I", "\\"), versions=(register.version, 0))
    response = client.post(url(provider.ap), data)
    assert response.status_code == 200
    assert response.context["form"].errors[f"reason-{key(provider.placement)}"] == [
        "Say why the mark is being changed."
    ]
    html = response.content.decode()
    assert '<option value="I" selected>' in html  # what was typed stays
    assert "There is a problem" in html
    assert marks_of(provider.placement) == ["N", "\\"]
    assert not Register.objects.filter(enrolment=provider.kai_enrolment).exists()

    data = sheet_data(
        provider, amira=("I", "\\"), versions=(register.version, 0), reasons=("Dad rang", "")
    )
    assert client.post(url(provider.ap), data).status_code == 302
    amendment = MarkAmendment.objects.get()
    assert (amendment.original_code, amendment.new_code, amendment.reason) == ("N", "I", "Dad rang")
    assert (amendment.source, amendment.actor) == ("provider", provider.tutor)


def test_a_stale_save_is_refused_keeps_what_was_typed_and_saves_nothing(client, provider):
    register = fill_register(provider.placement, 2026, through=MONDAY - datetime.timedelta(days=3))
    read_at = register.version
    register.version += 1  # someone else saved in between
    register.save()
    client.login(username="tutor", password=PASSWORD)
    data = sheet_data(provider, amira=("L", "\\"), kai=("U", "\\"), versions=(read_at, 0))
    response = client.post(url(provider.ap), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved marks for Amira Ahmed while you were taking the register." in html
    assert response.context["form"].stale == {key(provider.placement)}
    assert "Changed by someone else" in html
    assert '<option value="L" selected>' in html and '<option value="U" selected>' in html
    assert not Register.objects.filter(enrolment=provider.kai_enrolment).exists()
    register.refresh_from_db()
    assert register.version == read_at + 1

    # The page now carries the newer version: saving again goes through.
    form = response.context["form"]
    assert form[f"version-{key(provider.placement)}"].value() == str(register.version)
    data[f"version-{key(provider.placement)}"] = str(register.version)
    assert client.post(url(provider.ap), data).status_code == 302
    assert marks_of(provider.placement) == ["L", "\\"]


def test_a_day_that_is_not_a_school_day_is_refused(client, provider):
    saturday = datetime.date(2026, 11, 21)
    client.login(username="tutor", password=PASSWORD)
    response = client.get(url(provider.ap, saturday))
    assert "Saturday 21 November 2026 is not a school day in Riverside" in (
        response.content.decode()
    )
    response = client.post(url(provider.ap, saturday), sheet_data(provider))
    assert response.status_code == 200
    assert "is not a school day" in response.content.decode()
    assert not Register.objects.exists()
    tomorrow = client.get(url(provider.ap, MONDAY + datetime.timedelta(days=1)))
    assert "has not happened yet" in tomorrow.content.decode()


def test_a_planned_closure_is_not_offered(client, provider):
    year = SessionMaps().for_setting(provider.ap, 2026).year
    Closure.objects.create(academic_year=year, date=MONDAY, part="AM", kind="planned")
    client.login(username="tutor", password=PASSWORD)
    response = client.get(url(provider.ap))
    assert f'name="am-{key(provider.placement)}"' not in response.content.decode()
    data = {k: v for k, v in sheet_data(provider).items() if not k.startswith("am-")}
    assert client.post(url(provider.ap), data).status_code == 302
    assert marks_of(provider.placement) == [None, "\\"]


def test_a_school_that_is_not_a_provider_has_no_such_page(client, provider):
    client.login(username="officer", password=PASSWORD)
    assert client.get(url(provider.cast.school_a)).status_code == 404


def test_who_may_not_take_it(client, provider):
    client.login(username="outsider", password=PASSWORD)
    assert client.get(url(provider.ap)).status_code == 404
    client.login(username="officer", password=PASSWORD)  # Amira's home school, not the AP
    assert client.get(url(provider.ap)).status_code == 404
    for username in ("coordinator", "reader"):  # may see the AP's pupils, not its staff
        client.login(username=username, password=PASSWORD)
        assert client.get(url(provider.ap)).status_code == 403
        assert client.post(url(provider.ap), sheet_data(provider)).status_code == 403
    assert not Register.objects.exists()


def test_query_count_stays_small(client, provider, django_assert_max_num_queries):
    for i in range(20):
        pupil = make_pupil(setting=provider.ap, legal_surname=f"Roll{i:02d}")
        fill_register(pupil.enrolments.get(), 2026, through=MONDAY)
    client.login(username="tutor", password=PASSWORD)
    with django_assert_max_num_queries(14):
        response = client.get(url(provider.ap))
    assert len(response.context["sheet"].rows) == 22


def test_signed_out_goes_to_sign_in(client, provider):
    response = client.get(url(provider.ap))
    assert response.status_code == 302 and "/account/sign-in/" in response.url


def test_put_is_405(client, provider):
    client.login(username="tutor", password=PASSWORD)
    assert client.put(url(provider.ap)).status_code == 405


def test_the_providers_page_links_to_its_register(client, provider):
    client.login(username="tutor", password=PASSWORD)
    page = client.get(reverse("directory:setting-detail", args=[provider.ap.uuid]))
    register = reverse("attendance:provider-register", args=[provider.ap.uuid])
    assert f'href="{register}"' in page.content.decode()
