"""The import pages: upload, a run's progress and outcome, its errors as CSV."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from knotwork.attendance.imports.runs import import_run_create
from knotwork.attendance.models import ImportRun, Register
from knotwork.attendance.tests.import_helpers import csv_of, week_of_marks
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)
LIST = reverse("attendance:imports")


def marks(cast, codes="/\\/\\/\\/\\/\\"):
    return csv_of(week_of_marks(cast.pupil_a.upn, cast.school_a.urn, MONDAY, codes))


def upload(content, name="marks.csv", **data):
    return {"file": SimpleUploadedFile(name, content, content_type="text/csv"), **data}


def signed_in(client, who):
    client.login(username=who, password=PASSWORD)
    return client


def queued_run(cast, content=None, actor=None):
    return import_run_create(
        actor=actor or cast.officer, file_name="marks.csv", content=content or marks(cast)
    )


def urls_of(run):
    return {
        name: reverse(f"attendance:{name}", args=[run.uuid])
        for name in ("import-run", "import-progress", "import-start", "import-errors")
    }


def test_the_officer_uploads_a_file_and_is_taken_to_its_run(client, cast):
    response = signed_in(client, "officer").post(LIST, upload(marks(cast)))
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("attendance:import-run", args=[run.uuid])
    assert (run.file_name, run.file_format, run.status) == ("marks.csv", "csv", "queued")
    assert bytes(run.content) == marks(cast) and run.uploaded_by == cast.officer
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_type, entry.object_id) == (
        cast.officer,
        "create",
        "attendance.importrun",
        str(run.uuid),
    )
    assert not Register.objects.exists()


def test_starting_the_run_imports_the_marks_and_audits_each_pupil(client, cast):
    run = queued_run(cast)
    response = signed_in(client, "officer").post(urls_of(run)["import-start"])
    assert response.status_code == 302 and response.url == urls_of(run)["import-run"]
    run.refresh_from_db()
    assert (run.status, run.marks_new) == ("done", 10)
    assert Register.objects.get().enrolment.pupil == cast.pupil_a
    entry = AuditEntry.objects.get(action="update")
    assert (entry.actor, entry.pupil) == (cast.officer, cast.pupil_a)
    page = client.get(urls_of(run)["import-run"])
    assert b'id="import-counts"' in page.content
    assert b'value="100"' in page.content
    assert b"hx-trigger" not in page.content


def test_htmx_starts_the_run_without_a_page_load(client, cast):
    run = queued_run(cast)
    response = signed_in(client, "officer").post(
        urls_of(run)["import-start"], HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204
    run.refresh_from_db()
    assert run.status == "done"


def test_a_waiting_run_polls_for_progress_and_starts_itself(client, cast):
    run = queued_run(cast)
    page = signed_in(client, "officer").get(urls_of(run)["import-run"])
    content = page.content.decode()
    assert f'hx-get="{urls_of(run)["import-progress"]}"' in content
    assert 'hx-trigger="every 300ms"' in content
    assert f'hx-post="{urls_of(run)["import-start"]}" hx-trigger="load"' in content
    assert '<progress id="import-progress" class="kw-progress" max="100" value="0">' in content
    fragment = client.get(urls_of(run)["import-progress"]).content.decode()
    assert fragment.lstrip().startswith('<div id="import-status"')
    assert "<html" not in fragment


def test_a_failed_run_lists_its_problems_and_offers_them_as_csv(client, cast):
    run = queued_run(cast, content=marks(cast, codes="/\\/\\!\\/\\/\\"))
    signed_in(client, "officer").post(urls_of(run)["import-start"])
    page = client.get(urls_of(run)["import-run"]).content.decode()
    assert "Nothing was imported" in page
    assert "The file has 1 problem." in page
    assert "&#x27;!&#x27; is not a national register code." in page
    assert urls_of(run)["import-errors"] in page
    errors = client.get(urls_of(run)["import-errors"])
    assert errors["Content-Type"] == "text/csv; charset=utf-8"
    assert errors.content.decode("utf-8-sig").splitlines() == [
        "file,line,field,reason",
        "marks.csv,6,code,'!' is not a national register code.",
    ]
    assert not Register.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "file", "This field is required."),
        (
            upload(b"UPN", name="marks.xlsx"),
            "file",
            "The file must be a CSV file (.csv) or a CTF (.xml).",
        ),
        (
            upload(b"PK\x03\x04rest"),
            "file",
            "The file is not text (a spreadsheet, perhaps): save it as CSV first.",
        ),
        (
            upload(b"UPN,URN", file_format="ctf"),
            "file",
            "The file is not XML, so it cannot be a CTF.",
        ),
    ],
    ids=["no-file", "extension", "binary", "not-xml"],
)
def test_a_wrong_upload_is_shown_again_and_nothing_is_saved(client, cast, data, field, message):
    response = signed_in(client, "officer").post(LIST, data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert b"There is a problem" in response.content
    if data.get("file_format"):
        assert b'value="ctf" checked' in response.content
    assert not ImportRun.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client, cast, settings):
    settings.KNOTWORK_IMPORT_MAX_MB = 1
    big = marks(cast) + b"x" * (1024 * 1024)
    response = signed_in(client, "officer").post(LIST, upload(big))
    assert response.context["form"].errors["file"] == ["The file must be smaller than 1 MB."]
    assert not ImportRun.objects.exists()


def test_a_read_only_user_may_look_but_gets_403_for_an_upload(client, cast):
    signed_in(client, "head_of_year")
    page = client.get(LIST)
    assert page.status_code == 200
    assert b"you cannot import a file" in page.content
    assert b'type="file"' not in page.content
    assert client.post(LIST, upload(marks(cast))).status_code == 403
    assert not ImportRun.objects.exists()


def test_the_list_shows_only_the_users_own_runs_within_a_query_budget(
    client, cast, django_assert_max_num_queries
):
    mine = queued_run(cast)
    theirs = queued_run(cast, actor=cast.coordinator)
    signed_in(client, "officer")
    with django_assert_max_num_queries(12):
        page = client.get(LIST)
    assert [run.pk for run in page.context["runs"]] == [mine.pk]
    assert str(theirs.uuid).encode() not in page.content


@pytest.mark.parametrize("name", ["import-run", "import-progress", "import-start", "import-errors"])
def test_someone_elses_run_is_404(client, cast, name):
    run = queued_run(cast)
    for who in ("outsider", "coordinator", "head_of_year"):
        client.logout()
        signed_in(client, who)
        response = (
            client.post(urls_of(run)[name])
            if name == "import-start"
            else client.get(urls_of(run)[name])
        )
        assert response.status_code == 404
    run.refresh_from_db()
    assert run.status == "queued"


def test_get_on_the_start_url_is_405(client, cast):
    run = queued_run(cast)
    assert signed_in(client, "officer").get(urls_of(run)["import-start"]).status_code == 405
    run.refresh_from_db()
    assert run.status == "queued"


@pytest.mark.parametrize(
    "name", [None, "import-run", "import-progress", "import-start", "import-errors"]
)
def test_signed_out_goes_to_sign_in(client, cast, name):
    url = LIST if name is None else urls_of(queued_run(cast))[name]
    response = client.post(url) if name == "import-start" else client.get(url)
    assert response.status_code == 302 and "/account/sign-in/" in response.url


def test_the_progress_panel_shows_how_far_a_running_import_has_got(client, cast):
    from knotwork.attendance.imports.runs import _report

    run = queued_run(cast)
    ImportRun.objects.filter(pk=run.pk).update(status="writing")
    _report(run, "writing", 0.45)
    fragment = signed_in(client, "officer").get(urls_of(run)["import-progress"]).content.decode()
    assert 'value="45"' in fragment and "45% done" in fragment
    assert "Saving the marks" in fragment
    assert 'hx-trigger="every 300ms"' in fragment
