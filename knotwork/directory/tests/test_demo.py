import datetime
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Q

from knotwork.accounts.models import Membership, Role, User
from knotwork.directory.demo import PARTNERSHIP_NAME, PASSWORD, demo_build
from knotwork.directory.models import Agency, Organisation, Partnership, Setting
from knotwork.placements.demo_access import NEW_TO_AREA
from knotwork.pupils.access import visible_pupils
from knotwork.pupils.models import Contact, Enrolment, Pupil, PupilLink
from knotwork.pupils.rules import Span, enrolment_conflict, national_curriculum_year, validate_upn
from knotwork.termdates.models import AcademicYear, Closure

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 23)  # a Monday in the autumn term the demo is set in
SMALL = 200
SHARES = 2000


def partnership_snapshot() -> dict[str, list[tuple[object, ...]]]:
    """What must not change between two builds with one seed: names, UPNs, dates, URNs."""
    return {
        "pupils": list(
            Pupil.objects.order_by("upn").values_list(
                "upn", "legal_forename", "legal_surname", "date_of_birth", "ethnicity"
            )
        ),
        "enrolments": list(
            Enrolment.objects.order_by("pupil__upn", "start_date", "setting__name").values_list(
                "pupil__upn", "setting__name", "start_date", "end_date", "registration"
            )
        ),
        "contacts": list(Contact.objects.order_by("pupil__upn", "priority").values_list("name")),
        "settings": list(Setting.objects.order_by("name").values_list("name", "urn")),
        "agencies": list(Agency.objects.order_by("name").values_list("name", "contact_name")),
    }


def build_and_roll_back(*, seed: int, pupils: int = SMALL) -> dict[str, list[tuple[object, ...]]]:
    with transaction.atomic():
        demo_build(pupils=pupils, seed=seed)
        snapshot = partnership_snapshot()
        transaction.set_rollback(True)
    return snapshot


def test_the_same_seed_gives_the_same_partnership():
    first = build_and_roll_back(seed=3)
    second = build_and_roll_back(seed=3)
    assert len(first["pupils"]) == SMALL + NEW_TO_AREA  # and the children on no roll yet
    assert first == second


def test_a_different_seed_gives_different_pupils():
    first = build_and_roll_back(seed=3)
    second = build_and_roll_back(seed=4)
    assert {row[0] for row in first["pupils"]} != {row[0] for row in second["pupils"]}
    names = [{(row[1], row[2]) for row in build["pupils"]} for build in (first, second)]
    assert len(names[0] & names[1]) < SMALL / 4


def test_the_partnership_has_its_schools_pru_la_service_and_agencies():
    demo_build(pupils=SMALL, seed=1)
    partnership = Partnership.objects.get(name=PARTNERSHIP_NAME)
    members = partnership.memberships.select_related("organisation")
    kinds = [m.organisation.kind for m in members]
    setting_types = Setting.objects.filter(partnership_memberships__partnership=partnership)
    assert setting_types.filter(setting_type="secondary").count() == 6
    assert setting_types.filter(setting_type="pru").count() == 1
    assert kinds.count(Organisation.Kind.LA_SERVICE) == 1
    assert 13 <= kinds.count(Organisation.Kind.AGENCY) <= 17
    assert all(m.representative_name and m.representative_role for m in members)
    assert partnership.meeting_frequency == "monthly"


def test_agencies_have_believable_directory_entries():
    demo_build(pupils=SMALL, seed=1)
    agencies = Agency.objects.annotate(outcome_count=Count("outcomes"))
    assert len({a.agency_type for a in agencies}) >= 10
    for agency in agencies:
        assert agency.services and agency.how_to_refer and agency.area and agency.contact_name
        assert agency.outcome_count >= 1
        assert agency.kept_by is not None


def test_settings_have_urns_judgements_and_the_calendar():
    demo_build(pupils=SMALL, seed=1)
    for setting in Setting.objects.annotate(judgements_count=Count("judgements")):
        assert len(setting.urn) == 6 and setting.urn.isdigit()
        if setting.setting_type == Setting.Type.AP:
            # Alternative providers keep their registration and Ofsted on their profile.
            assert setting.provider_profile is not None
        else:
            assert 1 <= setting.judgements_count <= 3
    years = AcademicYear.objects.annotate(terms_count=Count("terms"))
    assert sorted((y.start_year, y.terms_count) for y in years) == [(2025, 6), (2026, 6)]
    for year in years:
        assert Closure.objects.filter(academic_year=year, kind="inset").count() == 5


def test_there_is_a_user_for_every_role_and_board_members_cannot_edit():
    demo_build(pupils=SMALL, seed=1)
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert not Membership.objects.filter(role=Role.BOARD_MEMBER, can_edit=True).exists()
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="leader").check_password(PASSWORD)


def test_demo_users_see_the_pupils_their_role_allows():
    demo_build(pupils=SMALL, seed=1)
    users = {u.username: u for u in User.objects.all()}
    first_school = Membership.objects.get(user__username="leader").organisation_id
    # The coordinator also sees the children new to the area awaiting a fair access place.
    assert visible_pupils(users["coordinator"], DAY).count() == SMALL + NEW_TO_AREA
    # The CAMHS practitioner sees pupils only through the links their referrals and cases
    # give them (which ones the sharing basis opens is pupils.access's matter).
    linked = set(
        PupilLink.objects.current(DAY).filter(user=users["camhs"]).values_list("pupil", flat=True)
    )
    assert linked
    assert set(visible_pupils(users["camhs"], DAY).values_list("pk", flat=True)) <= linked
    assert visible_pupils(users["board"], DAY).count() == 0
    seen_by_head_of_year = visible_pupils(users["headofyear"], DAY)
    assert 0 < seen_by_head_of_year.count() < SMALL
    assert seen_by_head_of_year.count() == Pupil.objects.on_roll_at([first_school], DAY).count()


def shares(total: int, **conditions: Q) -> dict[str, float]:
    counts = Pupil.objects.aggregate(
        **{name: Count("pk", filter=condition) for name, condition in conditions.items()}
    )
    return {name: 100 * count / total for name, count in counts.items()}


def test_pupils_characteristics_are_close_to_national_shares():
    demo_build(pupils=SHARES, seed=1)
    found = shares(
        SHARES,
        sen_support=Q(sen_provision="K"),
        ehc_plan=Q(sen_provision="E"),
        fsm=Q(fsm_eligible=True),
        eal=Q(eal=True),
        white_british=Q(ethnicity="WBRI"),
        looked_after=Q(looked_after=True),
        child_in_need=Q(child_in_need=True),
        young_carer=Q(young_carer=True),
        female=Q(sex="F"),
    )
    bounds = {
        "sen_support": (10, 16),
        "ehc_plan": (1, 4.5),
        "fsm": (20, 30),
        "eal": (13, 22),
        "white_british": (58, 71),
        "looked_after": (0.1, 1.6),
        "child_in_need": (1.5, 5),
        "young_carer": (1, 3.5),
        "female": (44, 55),
    }
    outside = {k: v for k, v in found.items() if not bounds[k][0] <= v <= bounds[k][1]}
    assert outside == {}
    assert Pupil.objects.values("ethnicity").distinct().count() >= 15


def test_every_upn_is_valid_and_every_pupil_is_in_years_7_to_11():
    demo_build(pupils=SHARES, seed=1)
    upns = list(Pupil.objects.values_list("upn", flat=True))
    assert [validate_upn(upn) for upn in upns] == upns
    years = {
        national_curriculum_year(dob, DAY)
        for dob in Pupil.objects.values_list("date_of_birth", flat=True)
    }
    assert years == {7, 8, 9, 10, 11}


def test_no_pupil_has_enrolments_the_rules_would_refuse():
    demo_build(pupils=SHARES, seed=1)
    spans: dict[int, list[Span]] = defaultdict(list)
    for row in Enrolment.objects.order_by("start_date", "pk").values_list(
        "pupil_id", "start_date", "end_date", "registration", "setting_id"
    ):
        spans[row[0]].append(Span(*row[1:]))
    conflicts = [
        pupil
        for pupil, pupil_spans in spans.items()
        for i, span in enumerate(pupil_spans)
        if enrolment_conflict(span, pupil_spans[:i]) is not None
    ]
    assert conflicts == []
    assert len(spans) == SHARES
    registrations = set(Enrolment.objects.values_list("registration", flat=True))
    assert registrations == {"C", "M", "S"}


def test_every_pupil_is_on_roll_and_has_a_contact_with_parental_responsibility():
    demo_build(pupils=SHARES, seed=1)
    assert Pupil.objects.on_roll_at(Setting.objects.values("pk"), DAY).count() == SHARES
    with_responsibility = Pupil.objects.filter(contacts__parental_responsibility=True).distinct()
    assert with_responsibility.count() == SHARES
    pru = Setting.objects.get(setting_type="pru")
    assert 5 <= Pupil.objects.on_roll_at([pru.pk], DAY).count() <= 60


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_command_builds_the_demo_and_prints_the_sign_ins():
    output = run_demo("--pupils", "50", "--seed", "2")
    assert Pupil.objects.count() == 50 + NEW_TO_AREA
    assert PASSWORD in output
    for username in ("admin", "leader", "headofyear", "coordinator", "camhs", "board", "provider"):
        assert f"\n{username} " in output
    assert "Marshfield Academy" in output


def test_if_empty_does_not_add_pupils_a_second_time():
    run_demo("--pupils", "50", "--if-empty")
    output = run_demo("--pupils", "50", "--if-empty")
    assert Pupil.objects.count() == 50 + NEW_TO_AREA
    assert "already has pupils" in output
    assert "coordinator" in output and PASSWORD in output


def test_without_if_empty_a_second_demo_is_refused():
    run_demo("--pupils", "20")
    with pytest.raises(CommandError, match="already has"):
        run_demo("--pupils", "20")
    assert Pupil.objects.count() == 20 + NEW_TO_AREA


# --- Attendance ------------------------------------------------------------------------------

ATTENDANCE_PUPILS = 600
TODAY = datetime.date(2026, 11, 24)  # a Tuesday in the autumn term


def year_summary(start_year: int, registers=None):
    """Measures over every demo register of a year (the DfE method, by enrolment)."""
    from knotwork.analytics.attendance import sessions_of, summarise
    from knotwork.attendance.models import Register
    from knotwork.attendance.register import stack

    rows = registers if registers is not None else Register.objects.all()
    marks = list(rows.filter(academic_year__start_year=start_year).values_list("marks", flat=True))
    length = max(len(m) for m in marks)
    return summarise(sessions_of(stack(marks, length)))


def register_snapshot() -> list[tuple[object, ...]]:
    from knotwork.attendance.models import Register

    return [
        (upn, setting, start, year, bytes(marks))
        for upn, setting, start, year, marks in Register.objects.order_by(
            "enrolment__pupil__upn", "enrolment__setting__name", "enrolment__start_date",
            "academic_year__start_year",
        ).values_list(
            "enrolment__pupil__upn", "enrolment__setting__name", "enrolment__start_date",
            "academic_year__start_year", "marks",
        )
    ]  # fmt: skip


def test_the_demo_has_last_year_in_full_and_this_year_to_date():
    from knotwork.attendance.models import Register
    from knotwork.core.models import AuditEntry
    from knotwork.termdates.queries import session_map_for

    summary = demo_build(pupils=ATTENDANCE_PUPILS, seed=1, today=TODAY, casework=False)
    assert summary.registers == Register.objects.count()
    # Each register names its enrolment's setting.
    assert not Register.objects.exclude(setting_id=F("enrolment__setting_id")).exists()
    assert set(Register.objects.values_list("academic_year__start_year", flat=True)) == {
        2025,
        2026,
    }
    this_year = AcademicYear.objects.get(start_year=2026)
    sessions = session_map_for(this_year)
    today_am = sessions.index_of(TODAY, "AM")
    for marks in Register.objects.filter(academic_year=this_year).values_list("marks", flat=True):
        assert not any(bytes(marks)[today_am + 1 :])  # nothing after this morning
    last_year = AcademicYear.objects.get(start_year=2025)
    whole = len(session_map_for(last_year))
    full = Register.objects.filter(academic_year=last_year, enrolment__end_date__isnull=True)
    assert all(bytes(m)[-1] for m in full.values_list("marks", flat=True))  # to the last day
    assert not AuditEntry.objects.exists()  # a loader, not a user's action
    assert whole == len(bytes(full.first().marks))


def test_the_demo_spread_of_absence_is_believable():
    demo_build(pupils=ATTENDANCE_PUPILS, seed=1, today=TODAY)
    last_year = year_summary(2025)
    assert 6 <= float(last_year.absence_rate) <= 11
    assert 15 <= float(last_year.persistent_rate) <= 30
    assert 0.5 <= float(last_year.severe_rate) <= 5
    this_year = year_summary(2026)
    assert 5 <= float(this_year.absence_rate) <= 11
    assert 15 <= float(this_year.persistent_rate) <= 32


def test_pupils_eligible_for_free_school_meals_miss_more_school():
    from knotwork.attendance.models import Register

    demo_build(pupils=ATTENDANCE_PUPILS, seed=1, today=TODAY)
    registers = Register.objects.all()
    eligible = year_summary(2025, registers.filter(enrolment__pupil__fsm_eligible=True))
    others = year_summary(2025, registers.filter(enrolment__pupil__fsm_eligible=False))
    assert float(eligible.absence_rate) > 1.3 * float(others.absence_rate)


def test_the_same_seed_and_day_give_the_same_marks():
    def build(seed: int, today: datetime.date) -> list[tuple[object, ...]]:
        with transaction.atomic():
            demo_build(pupils=SMALL, seed=seed, today=today)
            snapshot = register_snapshot()
            transaction.set_rollback(True)
        return snapshot

    first = build(3, TODAY)
    assert first == build(3, TODAY)
    assert len(first) > SMALL
    assert first != build(4, TODAY)


# --- Behaviour -------------------------------------------------------------------------------


def test_the_summary_counts_the_behaviour_records_written():
    from knotwork.behaviour.models import Exclusion, Incident

    summary = demo_build(pupils=ATTENDANCE_PUPILS, seed=1, today=TODAY)
    assert summary.incidents == Incident.objects.count() > ATTENDANCE_PUPILS
    assert summary.suspensions == Exclusion.objects.filter(kind="suspension").count() > 0
    assert summary.permanent_exclusions == Exclusion.objects.filter(kind="permanent").count()
    assert 1 <= summary.permanent_exclusions <= ATTENDANCE_PUPILS / 100


def test_behaviour_is_recorded_by_the_schools_own_staff_where_they_have_them():
    from knotwork.behaviour.models import Exclusion, Incident

    demo_build(pupils=ATTENDANCE_PUPILS, seed=1, today=TODAY)
    leader = Membership.objects.get(user__username="leader")
    at_first_school = Incident.objects.filter(setting_id=leader.organisation_id)
    assert set(at_first_school.values_list("recorded_by__username", flat=True)) == {"leader"}
    elsewhere = Incident.objects.exclude(
        setting_id__in=Membership.objects.filter(can_edit=True).values("organisation_id")
    )
    assert set(elsewhere.values_list("recorded_by__username", flat=True)) == {"coordinator"}
    assert not elsewhere.filter(follow_up_owner__isnull=False).exists()
    heads = set(Exclusion.objects.values_list("decided_by", flat=True))
    assert all(head.endswith(("Headteacher", "Head of centre")) for head in heads)


def test_the_command_says_how_many_behaviour_records_it_wrote():
    from knotwork.behaviour.models import Incident

    err = StringIO()
    out = StringIO()
    call_command("demo", "--pupils", "100", "--seed", "2", stdout=out, stderr=err)
    assert f"Behaviour: {Incident.objects.count():,} incidents" in out.getvalue()
    assert "Behaviour records written" in err.getvalue()
