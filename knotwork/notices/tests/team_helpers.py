"""A case with a team for notice tests: the officer leads it, the caseworker (CAMHS)
and the head of year are on the team, all with email addresses."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from knotwork.accounts.models import User
from knotwork.casework.case_models import Case, PlanAction
from knotwork.casework.case_services import case_member_add, plan_action_add
from knotwork.casework.tests.case_fixtures import open_case
from knotwork.core.testing import Cast

JOINED = datetime.date(2026, 10, 5)


@dataclass
class Team:
    case: Case
    lead: User
    caseworker: User
    head_of_year: User


def build_team(cast: Cast) -> Team:
    for user in (cast.officer, cast.caseworker, cast.head_of_year):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    case = open_case(cast)
    for user, role in (
        (cast.caseworker, "CAMHS practitioner"),
        (cast.head_of_year, "Head of year"),
    ):
        case_member_add(actor=cast.officer, case=case, role=role, starts_on=JOINED, user=user)
    return Team(
        case=case, lead=cast.officer, caseworker=cast.caseworker, head_of_year=cast.head_of_year
    )


def add_action(
    team: Team, actor: User | None = None, what: str = "Daily report card"
) -> PlanAction:
    return plan_action_add(
        actor=actor or team.lead,
        case=team.case,
        what=what,
        due_on=datetime.date(2026, 12, 4),
        owner=team.lead,
    )
