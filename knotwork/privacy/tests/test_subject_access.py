"""The subject access export: everything knotwork holds on a pupil, found by walking the
models that refer to them, in one ZIP, audited."""

import csv
import datetime
import io
import zipfile

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from knotwork.attendance.testing import fill_register, whole_day
from knotwork.behaviour.testing import make_incident
from knotwork.core.models import AuditEntry
from knotwork.privacy.exports import REDACTION_NOTE, subject_access_kinds, subject_access_zip
from knotwork.privacy.tests.helpers import (
    make_break_glass,
    make_elsewhere,
    make_lead,
    now,  # noqa: F401
    signed_in,
)
from knotwork.pupils.models import Contact, Enrolment, Pupil

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]


def export_url(pupil):
    return reverse("privacy:subject-access", args=[pupil.uuid])


def reaching_the_pupil() -> set[str]:
    """Every model with a foreign key (or many-to-many) to Pupil, or to a model that
    reaches a pupil so, worked out from the models' own fields."""
    reaching = {Pupil}
    grew = True
    while grew:
        grew = False
        for model in apps.get_models():
            if model in reaching or model._meta.auto_created:
                continue
            for field in model._meta.get_fields():
                if field.concrete and field.is_relation and field.related_model in reaching:
                    reaching.add(model)
                    grew = True
                    break
    return {m._meta.label_lower for m in reaching}


def unzip(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def table(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def records(cast):
    """Records of Amira's across the apps, and some of Bea's that must stay out."""
    contact = Contact.objects.create(
        pupil=cast.pupil_a, name="Mona Ahmed", relationship="Mother", preferred_channel="phone"
    )
    Contact.objects.create(
        pupil=cast.pupil_b, name="Brian Brown", relationship="Father", preferred_channel="email"
    )
    enrolment = Enrolment.objects.get(pupil=cast.pupil_a)
    register = fill_register(
        enrolment,
        2026,
        through=datetime.date(2026, 9, 3),
        marks=whole_day(datetime.date(2026, 9, 3), "I"),
    )
    incident = make_incident(
        setting=cast.school_a, recorded_by=cast.officer, pupils={cast.pupil_a: "instigator"}
    )
    make_incident(setting=cast.school_b, recorded_by=cast.outsider, pupils={cast.pupil_b: "target"})
    use = make_break_glass(cast.outsider, cast.pupil_a, cast.partnership)
    return contact, register, incident, use


def test_every_model_that_reaches_a_pupil_is_in_the_export(cast):
    files = set(unzip(subject_access_zip(cast.pupil_a)))
    expected = {f"{label}.csv" for label in reaching_the_pupil()}
    assert expected - files == set()
    # and the models this was written for, named, in case the walk and the check agree wrongly
    for label in (
        "pupils.pupil",
        "pupils.enrolment",
        "pupils.contact",
        "pupils.pupillink",
        "core.auditentry",
        "attendance.register",
        "attendance.markamendment",
        "behaviour.incident",
        "behaviour.incidentpupil",
        "casework.concern",
        "casework.case",
        "privacy.breakglass",
    ):
        assert f"{label}.csv" in files
    assert "summary.txt" in files


def test_a_model_added_later_is_found_by_the_walk(cast):
    """The walk reads ``_meta``: a model nobody listed (here the hidden-relation ones)
    comes in with the rest."""
    labels = {kind.label for kind in subject_access_kinds(cast.pupil_a)}
    assert {"attendance.firstdaycontact", "attendance.ladderstep"} <= labels


def test_the_files_hold_the_pupils_records_and_no_one_elses(cast, records):
    contact, register, incident, use = records
    files = unzip(subject_access_zip(cast.pupil_a))
    assert [row["upn"] for row in table(files["pupils.pupil.csv"])] == [cast.pupil_a.upn]
    contacts = table(files["pupils.contact.csv"])
    assert [(row["name"], row["uuid"]) for row in contacts] == [("Mona Ahmed", str(contact.uuid))]
    enrolments = table(files["pupils.enrolment.csv"])
    assert [(row["setting"], row["start_date"]) for row in enrolments] == [
        ("Ashdown Academy", "2024-09-01")
    ]
    (register_row,) = table(files["attendance.register.csv"])
    assert register_row["uuid"] == str(register.uuid)
    marks = register_row["marks"].split(" ")
    assert marks[:4] == ["/", "\\", "I", "I"]  # 2 and 3 September: present, then ill
    assert set(marks[4:]) == {"-"}
    assert [row["uuid"] for row in table(files["behaviour.incident.csv"])] == [str(incident.uuid)]
    assert [row["reason"] for row in table(files["privacy.breakglass.csv"])] == [use.reason]
    everything = "".join(files.values())
    assert cast.pupil_b.upn not in everything and "Brian Brown" not in everything


def test_the_summary_counts_each_file_and_leaves_a_note_for_the_reviewer(cast, records):
    summary = unzip(subject_access_zip(cast.pupil_a))["summary.txt"]
    assert "pupils.contact.csv: 1 row\n" in summary
    assert "pupils.pupil.csv: 1 row\n" in summary
    assert "casework.case.csv: 0 rows\n" in summary
    assert REDACTION_NOTE in summary
    assert cast.pupil_a.upn in summary


def test_the_lead_exports_in_one_action_and_it_is_audited(client, cast, records):
    lead = make_lead(cast.partnership)
    response = signed_in(client, "dpo").post(export_url(cast.pupil_a))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        f'attachment; filename="subject-access-{cast.pupil_a.uuid}.zip"'
    )
    entry = AuditEntry.objects.get(what="subject access export")
    assert (entry.actor, entry.pupil, entry.action) == (lead, cast.pupil_a, "export")
    log = table(unzip(response.content)["core.auditentry.csv"])
    assert "subject access export" in [row["what"] for row in log]  # the export is in itself


def test_the_export_takes_only_post(client, cast):
    make_lead(cast.partnership)
    assert signed_in(client, "dpo").get(export_url(cast.pupil_a)).status_code == 405


def test_the_lead_of_another_partnership_and_everyone_else_get_404(client, cast):
    make_lead(cast.partnership)
    make_elsewhere()
    for username in ("westfen_dpo", "coordinator", "officer"):
        assert signed_in(client, username).post(export_url(cast.pupil_a)).status_code == 404
    assert not AuditEntry.objects.filter(what="subject access export").exists()


def test_a_model_reached_through_a_record_takes_only_that_records_rows(cast, records):
    """A register of Bea's is not Amira's just because it is a register."""
    fill_register(
        Enrolment.objects.get(pupil=cast.pupil_b), 2026, through=datetime.date(2026, 9, 3)
    )
    kinds = {kind.label: kind for kind in subject_access_kinds(cast.pupil_a)}
    registers = kinds["attendance.register"].rows
    assert [r.enrolment.pupil for r in registers] == [cast.pupil_a]
    assert issubclass(kinds["attendance.register"].model, models.Model)
