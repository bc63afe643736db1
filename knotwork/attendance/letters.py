"""Attendance letters, stages 1-3: the text from templates, in the parent's preferred channel.

One text, four forms: a PDF letter for post (WeasyPrint), the same text as an
email body, a short text message, and a script for a phone call. The PDF is
offered whatever the channel, so a copy can be kept on file. The letter's
figures are the pupil's attendance this year up to the letter's date, from
the DfE measures (``analytics.attendance``).

Templates: ``attendance/letter_stage_<n>.html`` (the body, as paragraphs),
``attendance/letter_document.html`` (the printed page),
``attendance/letter_sms.html`` and ``attendance/letter_phone.html``.
"""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from knotwork.analytics.attendance import Summary, sessions_of, summarise
from knotwork.attendance import ladder_rules as rules
from knotwork.attendance.models import LadderStep
from knotwork.attendance.queries import enrolment_marks, start_year_of
from knotwork.pupils.models import Contact, Enrolment

STAGES = {rules.LETTER_1: 1, rules.LETTER_2: 2, rules.LETTER_3: 3}
_PARAGRAPH = re.compile(r"<p[^>]*>(.*?)</p>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def is_letter(step: LadderStep) -> bool:
    return step.kind in STAGES


@dataclass(frozen=True)
class Letter:
    stage: int
    date: datetime.date
    channel: str
    subject: str
    body_html: str
    paragraphs: list[str]
    context: dict[str, Any]

    @property
    def channel_label(self) -> str:
        return str(Contact.Channel(self.channel).label)


def _enrolment_on(step: LadderStep) -> Enrolment | None:
    """The enrolment the letter is from: on roll on the letter's day (single or main
    registration first), or the latest before it."""
    enrolments = list(
        Enrolment.objects.filter(pupil_id=step.pupil_id, start_date__lte=step.date)
        .select_related("setting")
        .order_by("-start_date")
    )
    current = [e for e in enrolments if e.is_current(step.date)]
    current.sort(key=lambda e: e.registration == Enrolment.Registration.SUBSIDIARY)
    found = current or enrolments
    return found[0] if found else None


def year_figures(enrolment: Enrolment, day: datetime.date) -> Summary | None:
    """The enrolment's attendance from the start of the academic year to ``day``."""
    found = enrolment_marks(enrolment, start_year_of(day))
    if found is None:
        return None
    year, marks, _ = found
    window = year.sessions.window(year.year.starts_on, day)
    summary = summarise(sessions_of(marks[None, window]))
    return summary if summary.possible else None


def _plain(fragment: str) -> str:
    return html.unescape(_SPACE.sub(" ", _TAG.sub("", fragment))).strip()


def letter_for(step: LadderStep) -> Letter:
    """The letter of a stage 1-3 step, addressed to its parent."""
    if not is_letter(step):
        raise ValueError("only letters, stages 1 to 3, have a letter")
    parent: Contact | None = step.parent
    enrolment = _enrolment_on(step)
    figures = year_figures(enrolment, step.date) if enrolment is not None else None
    pupil = step.pupil
    stage = STAGES[step.kind]
    context: dict[str, Any] = {
        "stage": stage,
        "date": step.date,
        "pupil": pupil,
        "parent": parent,
        "setting": enrolment.setting if enrolment is not None else None,
        "sender": step.owner.get_full_name() or step.owner.username,
        "figures": figures,
        "year_from": datetime.date(start_year_of(step.date), 9, 1),
        "review_on": step.review_on,
    }
    body = render_to_string(f"attendance/letter_stage_{stage}.html", context)
    subject = f"Attendance of {pupil.display_name}: letter, stage {stage}"
    context.update(body=body, subject=subject)
    # The channel chosen when the step was added: the parent's preference at the time.
    channel = step.details.get("channel") or (parent.preferred_channel if parent else "")
    return Letter(
        stage=stage,
        date=step.date,
        channel=channel or Contact.Channel.LETTER,
        subject=subject,
        body_html=body,
        paragraphs=[_plain(p) for p in _PARAGRAPH.findall(body)],
        context=context,
    )


def letter_email(letter: Letter) -> str:
    """The letter as the plain text of an email body."""
    parent = letter.context["parent"]
    greeting = f"Dear {parent.name}," if parent else "Dear parent or carer,"
    setting = letter.context["setting"]
    sign_off = ["Yours sincerely,", letter.context["sender"]]
    if setting is not None:
        sign_off.append(setting.name)
    return "\n\n".join([greeting, *letter.paragraphs, "\n".join(sign_off)]) + "\n"


def letter_sms(letter: Letter) -> str:
    return _plain(render_to_string("attendance/letter_sms.html", letter.context))


def letter_phone_script(letter: Letter) -> list[str]:
    """The points of a phone call that gives the letter's message, in order."""
    rendered = render_to_string("attendance/letter_phone.html", letter.context)
    return [_plain(item) for item in re.findall(r"<li[^>]*>(.*?)</li>", rendered, re.DOTALL)]


def letter_html(letter: Letter) -> str:
    """The letter as a printable A4 page."""
    return render_to_string("attendance/letter_document.html", letter.context)


def letter_pdf(letter: Letter) -> bytes:
    # WeasyPrint takes over half a second to import: load it only when a letter is printed.
    from weasyprint import HTML

    pdf: bytes = HTML(string=letter_html(letter)).write_pdf()
    return pdf


def letter_filename(step: LadderStep) -> str:
    """A file name with no personal data: the stage and the date."""
    return f"attendance-letter-stage-{STAGES[step.kind]}-{step.date.isoformat()}.pdf"
