from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings

from knotwork.attendance.models import ImportRun

EXTENSIONS = {".csv": ImportRun.Format.CSV, ".xml": ImportRun.Format.CTF}
FORMAT_CHOICES = [
    ("", "Work it out from the file name"),
    (ImportRun.Format.CSV, "CSV: columns UPN, URN, date, session, code"),
    (ImportRun.Format.CTF, "Common Transfer File (XML)"),
]


class MarksUploadForm(forms.Form):
    """A file of register marks to import: its size, kind and first bytes are checked here."""

    file = forms.FileField(
        label="File of marks",
        help_text="A CSV file (.csv) with a header row UPN, URN, date, session, code, "
        "or a Common Transfer File (.xml).",
    )
    file_format = forms.ChoiceField(
        label="What kind of file is it?", choices=FORMAT_CHOICES, required=False
    )

    @property
    def max_bytes(self) -> int:
        return int(settings.KNOTWORK_IMPORT_MAX_MB) * 1024 * 1024

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                f"The file must be smaller than {settings.KNOTWORK_IMPORT_MAX_MB} MB."
            )
        if PurePath(upload.name).suffix.lower() not in EXTENSIONS:
            raise forms.ValidationError("The file must be a CSV file (.csv) or a CTF (.xml).")
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is None:
            return data
        chosen = data.get("file_format") or EXTENSIONS[PurePath(upload.name).suffix.lower()]
        data["file_format"] = chosen
        upload.seek(0)
        start = upload.read(4096)
        upload.seek(0)
        if chosen == ImportRun.Format.CTF:
            if not start.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
                self.add_error("file", "The file is not XML, so it cannot be a CTF.")
        elif start.startswith(b"PK\x03\x04") or b"\x00" in start:
            self.add_error(
                "file", "The file is not text (a spreadsheet, perhaps): save it as CSV first."
            )
        return data
