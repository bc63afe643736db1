"""Whether an exclusion's census reasons suit its date."""

from __future__ import annotations

from collections.abc import Sequence

from knotwork.behaviour.reasons import UnknownReason, most_reasons, reason_for
from knotwork.behaviour.rules.clocks import Date


def reason_problems(codes: Sequence[str], start: Date) -> list[str]:
    """What is wrong with an exclusion's census reasons for its date (empty when fine)."""
    problems = []
    if not codes:
        problems.append("Choose at least one reason.")
    most = most_reasons(start)
    if len(codes) > most:
        problems.append(
            f"An exclusion from {start:%-d %B %Y} may have at most {most} "
            f"reason{'s' if most > 1 else ''}."
        )
    if len(set(codes)) != len(codes):
        problems.append("Choose each reason once.")
    for code in codes:
        try:
            reason_for(code, start)
        except UnknownReason as exc:
            problems.append(f"{exc}.")
    return problems
