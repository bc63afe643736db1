"""What a notice's email says: the kind of event, why the reader is told, and a link to
the case by its UUID. Never a name, a UPN or anything typed about the child: an email
leaves knotwork's access rules behind, so it carries only what anyone may read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from knotwork.notices.models import Notice, Purpose, Rhythm

SUBJECT_PREFIX = "knotwork: "


@dataclass(frozen=True)
class Line:
    """One notice as an email tells it."""

    kind: str
    purpose: str
    url: str


def _say(line: Line) -> str:
    kind = Notice.Kind(line.kind).label
    purpose = Purpose(line.purpose).label.lower()
    return f"{kind} on a case you work on ({purpose}).\nOpen the case: {line.url}"


def single_email(line: Line) -> tuple[str, str]:
    """The subject and body of one notice sent straight away."""
    subject = f"{SUBJECT_PREFIX}{Notice.Kind(line.kind).label.lower()} on a case"
    body = (
        f"{_say(line)}\n\n"
        "Sign in to knotwork to see what changed. This email says no more, to keep the "
        "child's details inside knotwork.\n"
        "You can choose how often knotwork emails you on your notices page."
    )
    return subject, body


def digest_email(rhythm: str, lines: Sequence[Line]) -> tuple[str, str]:
    """The subject and body of a daily or weekly digest of several notices."""
    period = "today" if rhythm == Rhythm.DAILY else "this week"
    count = f"{len(lines)} notice{'s' if len(lines) != 1 else ''}"
    subject = f"{SUBJECT_PREFIX}{count} on your cases {period}"
    parts = [f"{count.capitalize()} on cases you work on {period}:"]
    parts.extend(f"- {_say(line)}" for line in lines)
    parts.append(
        "Sign in to knotwork to see what changed. This email says no more, to keep the "
        "children's details inside knotwork.\n"
        "You can choose how often knotwork emails you on your notices page."
    )
    return subject, "\n\n".join(parts)
