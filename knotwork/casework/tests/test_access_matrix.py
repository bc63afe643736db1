"""The casework access matrix: every page of the ``casework`` namespace (concerns,
referrals, waiting times, cases, consent and sharing, the tracking grid) and the
``privacy`` and ``notices`` pages that show casework records, asked for by every actor
of ``access_matrix_world``, by GET and, where the page changes something, by an empty
POST.

What each page should answer is a rule per kind of page below, read from the modules
that decide (``pupils.access``, ``casework.referral_access``, ``casework.case_queries``,
``casework.consent_queries``, ``privacy.queries``, ``notices.queries``) and written
over the actor's facts, never asked of those modules. Those who must not know a record
exists get 404, those who may see but not change it 403, the anonymous the sign-in page;
a refusal comes before the form is read. Every refused request writes no audit row for
its actor, every page showing one pupil's case, referral, concern or sharing writes one
naming the pupil, and no response to someone who may not see the pupil holds the
pupil's name or UPN.

A page added to one of these namespaces fails ``test_every_page_is_in_the_matrix``
until it is given a rule here.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from knotwork.casework.tests.access_matrix_world import (
    ACTORS,
    ALL_SECTIONS,
    Actor,
    World,
    body_text,
    world,  # noqa: F401
)
from knotwork.core.models import AuditEntry

NAMESPACES = ("casework", "privacy", "notices")


class Outcome(enum.Enum):
    SHOW = "shown"
    FORBIDDEN = "403"
    NOT_FOUND = "404"


SHOW, FORBIDDEN, NOT_FOUND = Outcome.SHOW, Outcome.FORBIDDEN, Outcome.NOT_FOUND
#: What a POST the actor may make can answer: the form again with its errors, a
#: problem page for a stale or empty version, or the page it leads to.
ALLOWED_POST = {200, 302, 400, 409}


# --- The actor's standing, from their facts ----------------------------------------------------


def sections(a: Actor) -> frozenset[str]:
    """The parts of Liam's record open to the actor: all to staff whose roll holds him."""
    return ALL_SECTIONS if a.roll in ("a", "partnership") else a.sections


def sees(a: Actor) -> bool:
    return bool(sections(a))


def sees_casework(a: Actor) -> bool:
    return "casework" in sections(a)


def edits(a: Actor) -> bool:
    """May change Liam's record: an editing membership whose roll holds him (never a
    link or a break-glass window)."""
    return a.edits and a.roll in ("a", "partnership")


def staff(a: Actor) -> bool:
    """Works in a setting or across the partnership (not an agency, not the board)."""
    return bool(a.roll)


def case_visible(a: Actor) -> bool:
    """The case: staff who see Liam's casework; practitioners only on its team."""
    return sees_casework(a) and (staff(a) or a.team or a.leads_case)


# --- Rules, one per kind of page ----------------------------------------------------------------


def pupil_casework(a: Actor) -> Outcome:
    """A pupil's casework page (concerns, cases): the casework section of a seen pupil."""
    return SHOW if sees_casework(a) else NOT_FOUND


def pupil_change(a: Actor) -> Outcome:
    """Raising a concern, opening a case, referring: edit rights over the pupil."""
    if not sees(a):
        return NOT_FOUND
    return SHOW if edits(a) else FORBIDDEN


def concern_change(a: Actor) -> Outcome:
    """Acting on one concern: it exists only for those who see the pupil's casework."""
    if not sees_casework(a):
        return NOT_FOUND
    return SHOW if edits(a) else FORBIDDEN


def setting_worklist(a: Actor) -> Outcome:
    """School A's worklist: those who see its roll, and practitioners with a link to one
    of its pupils that opens anything."""
    shown = a.roll in ("a", "partnership") or (bool(a.sections) and not a.glass)
    return SHOW if shown else NOT_FOUND


def setting_referrals(a: Actor) -> Outcome:
    """The referrals School A sent: its staff and those who work across its partnership."""
    return SHOW if a.roll in ("a", "partnership") else NOT_FOUND


def inbox(a: Actor) -> Outcome:
    """The user's own referral desk: anyone receiving for an agency, a service or a panel."""
    return SHOW if a.desk else FORBIDDEN


def waiting_times(a: Actor) -> Outcome:
    """Figures only: the partnership's coordinators and its board."""
    return SHOW if a.roll == "partnership" or a.board else FORBIDDEN


def referral(a: Actor) -> Outcome:
    """One referral to CAMHS: the receiving desk from the moment it is sent, and staff
    who see the pupil's record."""
    return SHOW if a.desk == "camhs" or (staff(a) and sees(a)) else NOT_FOUND


def referral_withdraw(a: Actor) -> Outcome:
    """Closing it from the sending side: those who may change the pupil's record at the
    setting that sent it or across the partnership (the CAMHS caseworker does not
    answer: their membership does not edit)."""
    if referral(a) is NOT_FOUND:
        return NOT_FOUND
    return SHOW if edits(a) else FORBIDDEN


def own_desk(a: Actor) -> Outcome:
    """The user's own caseload, notices, email rhythm: open to every signed-in user."""
    return SHOW


def case_page(a: Actor) -> Outcome:
    return SHOW if case_visible(a) else NOT_FOUND


def case_manage(a: Actor) -> Outcome:
    """Team, closing, re-opening, the lead, who is told what: edit rights or the lead."""
    if not case_visible(a):
        return NOT_FOUND
    return SHOW if edits(a) or a.leads_case else FORBIDDEN


def case_work(a: Actor) -> Outcome:
    """The plan's actions and reviews: also the team's members."""
    if not case_visible(a):
        return NOT_FOUND
    return SHOW if edits(a) or a.leads_case or a.team else FORBIDDEN


def sharing(a: Actor) -> Outcome:
    """A pupil's consents and decisions: staff who see the pupil, never a linked
    practitioner (who else a family shares with is not theirs to know)."""
    return SHOW if staff(a) and sees(a) else NOT_FOUND


def sharing_change(a: Actor) -> Outcome:
    if sharing(a) is NOT_FOUND:
        return NOT_FOUND
    return SHOW if edits(a) else FORBIDDEN


def grid(a: Actor) -> Outcome:
    """The tracking grid: staff and agency practitioners, never the board."""
    return SHOW if staff(a) or a.desk in ("camhs", "yot") else FORBIDDEN


def notice(a: Actor) -> Outcome:
    """One of the caseworker's notices about the case: theirs while they see the case."""
    return SHOW if a.team and case_visible(a) else NOT_FOUND


def break_glass_form(a: Actor) -> Outcome:
    return FORBIDDEN if a.board else SHOW


def break_glass_record(a: Actor) -> Outcome:
    """The record behind an open window: its opener's alone."""
    return SHOW if a.glass else NOT_FOUND


def lead_page(a: Actor) -> Outcome:
    """The data protection lead's report and finder: 403 to anyone else."""
    return SHOW if a.dp_lead else FORBIDDEN


def lead_pupil(a: Actor) -> Outcome:
    """The lead's view of one pupil (view log, subject access, a use to review)."""
    return SHOW if a.dp_lead else NOT_FOUND


# --- Pages --------------------------------------------------------------------------------------

Kwargs = Callable[[World], dict[str, Any]]


def no_kwargs(w: World) -> dict[str, Any]:
    return {}


def always(a: Actor) -> bool:
    return True


@dataclass(frozen=True)
class Page:
    """A named URL pattern, how to build its address in the world, its rule, the methods
    it takes, whether it may show Liam to an actor it lets in (``shows``), and whether a
    successful GET shows one pupil's record (``one_pupil``: an audit row naming Liam)."""

    name: str
    kwargs: Kwargs
    rule: Callable[[Actor], Outcome]
    methods: frozenset[str] = frozenset({"GET"})
    shows: Callable[[Actor], bool] = always
    one_pupil: bool = False
    get_status: int = 200
    query: str = ""

    def url(self, w: World) -> str:
        return reverse(self.name, kwargs=self.kwargs(w)) + self.query


GET, POST, BOTH = frozenset({"GET"}), frozenset({"POST"}), frozenset({"GET", "POST"})


def pupil(w: World) -> dict[str, Any]:
    return {"pupil_uuid": w.pupil.uuid}


def school_a(w: World) -> dict[str, Any]:
    return {"setting_uuid": w.cast.school_a.uuid}


def concern_of(w: World) -> dict[str, Any]:
    return {"concern_uuid": w.concern.uuid}


def referral_of(w: World) -> dict[str, Any]:
    return {"referral_uuid": w.referral.uuid}


def case_of(w: World) -> dict[str, Any]:
    return {"case_uuid": w.case.uuid}


def glass_of(w: World) -> dict[str, Any]:
    return {"break_glass_uuid": w.break_glass.uuid}


def notice_of(w: World) -> dict[str, Any]:
    return {"notice_uuid": w.notice.uuid}


def never(a: Actor) -> bool:
    return False


PAGES_LIST: list[Page] = [
    # Concerns
    Page("casework:worklist", school_a, setting_worklist, shows=sees_casework),
    Page("casework:worklist-csv", school_a, setting_worklist, shows=sees_casework),
    Page("casework:pupil-concerns", pupil, pupil_casework, one_pupil=True),
    Page("casework:concern-new", pupil, pupil_change, BOTH),
    Page("casework:concern-acknowledge", concern_of, concern_change, POST),
    Page("casework:concern-dismiss", concern_of, concern_change, BOTH, one_pupil=True),
    # Referrals and waiting times
    Page("casework:referral-inbox", no_kwargs, inbox, shows=lambda a: a.desk == "camhs"),
    Page("casework:referral-inbox-export", no_kwargs, inbox, shows=lambda a: a.desk == "camhs"),
    Page("casework:referral-waiting", no_kwargs, waiting_times, shows=never),
    Page("casework:referral-waiting-export", no_kwargs, waiting_times, shows=never),
    Page("casework:referral-waiting-xlsx", no_kwargs, waiting_times, shows=never),
    Page("casework:referral-new", pupil, pupil_change, BOTH, one_pupil=True),
    Page("casework:referral-from-concern", concern_of, concern_change, get_status=302),
    Page("casework:referral-setting", school_a, setting_referrals, shows=sees_casework),
    Page("casework:referral", referral_of, referral, one_pupil=True),
    Page(
        "casework:referral-step",
        lambda w: {**referral_of(w), "step": "closed"},
        referral_withdraw,
        POST,
    ),
    # Cases
    Page("casework:caseload", no_kwargs, own_desk, shows=lambda a: a.leads_case),
    Page("casework:pupil-cases", pupil, pupil_casework, one_pupil=True),
    Page("casework:case-open", pupil, pupil_change, BOTH),
    Page("casework:case", case_of, case_page, one_pupil=True),
    Page("casework:member-add", case_of, case_manage, BOTH),
    Page(
        "casework:member-end",
        lambda w: {**case_of(w), "member_id": w.member.pk},
        case_manage,
        POST,
    ),
    Page("casework:action-add", case_of, case_work, BOTH, one_pupil=True),
    Page(
        "casework:action-edit",
        lambda w: {**case_of(w), "action_uuid": w.action.uuid},
        case_work,
        BOTH,
        one_pupil=True,
    ),
    Page("casework:review-record", case_of, case_work, BOTH, one_pupil=True),
    Page("casework:review-book", case_of, case_work, BOTH),
    Page("casework:case-close", case_of, case_manage, BOTH),
    Page("casework:case-reopen", case_of, case_manage, POST),
    Page("casework:case-lead", case_of, case_manage, BOTH),
    # Consent and sharing
    Page("casework:pupil-sharing", pupil, sharing, one_pupil=True),
    Page("casework:consent-new", pupil, sharing_change, BOTH),
    Page("casework:sharing-decide", pupil, sharing_change, BOTH),
    Page(
        "casework:consent-withdraw",
        lambda w: {"consent_uuid": w.consent.uuid},
        sharing_change,
        BOTH,
        one_pupil=True,
    ),
    # The tracking grid
    Page("casework:grid", no_kwargs, grid, shows=sees_casework),
    Page("casework:grid-export", lambda w: {"file_format": "csv"}, grid, shows=sees_casework),
    # Privacy
    Page("privacy:break-glass", no_kwargs, break_glass_form, BOTH, shows=never),
    Page("privacy:break-glass-record", glass_of, break_glass_record, one_pupil=True),
    Page("privacy:report", no_kwargs, lead_page),
    Page("privacy:review", glass_of, lead_pupil, BOTH, one_pupil=True),
    Page("privacy:pupil-find", no_kwargs, lead_page, BOTH, shows=never),
    Page("privacy:view-log", pupil, lead_pupil, one_pupil=True),
    Page("privacy:view-log-csv", pupil, lead_pupil),
    Page("privacy:subject-access", pupil, lead_pupil, POST),
    # Notices
    Page("notices:list", no_kwargs, own_desk, shows=lambda a: a.team and case_visible(a)),
    Page("notices:preferences", no_kwargs, own_desk, BOTH, shows=never),
    Page("notices:open", notice_of, notice, POST),
    Page("notices:read", notice_of, notice, POST),
    Page("notices:case-purposes", case_of, case_manage, BOTH, one_pupil=True),
]
PAGES = {p.name: p for p in PAGES_LIST}


# --- The pages the resolver knows ---------------------------------------------------------------


def _names(patterns: list[Any], namespace: str) -> set[str]:
    found: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if pattern.namespace else namespace
            found |= _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            found.add(f"{namespace}:{pattern.name}")
    return found


def resolved_names() -> set[str]:
    """Every URL pattern name in the matrix's namespaces (an unnamed one as ``ns:None``)."""
    names: set[str] = set()
    for namespace in NAMESPACES:
        _, resolver = get_resolver().namespace_dict[namespace]
        names |= _names(resolver.url_patterns, namespace)
    return names


def test_every_page_is_in_the_matrix() -> None:
    unclassified = resolved_names() - set(PAGES)
    assert not unclassified, f"Pages the access matrix does not classify: {sorted(unclassified)}"
    assert not set(PAGES) - resolved_names(), "The matrix names pages that no longer exist"


# --- The matrix ---------------------------------------------------------------------------------


@dataclass
class Asked:
    """One request and what it wrote to the audit trail."""

    method: str
    status: int
    body: str
    location: str
    audit: list[AuditEntry] = field(default_factory=list)


def ask(client: Any, method: str, url: str) -> Asked:
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(url) if method == "GET" else client.post(url, {})
    return Asked(
        method=method,
        status=response.status_code,
        body=body_text(response),
        location=response.get("Location", ""),
        audit=list(AuditEntry.objects.filter(pk__gt=last)),
    )


def private_words(w: World) -> list[str]:
    return [w.pupil.legal_forename, w.pupil.legal_surname, w.pupil.upn]


def expected_statuses(page: Page, outcome: Outcome, method: str) -> set[int]:
    if method not in page.methods:
        return {405}  # refused, whatever the rule, before the view reads a thing
    if outcome is not SHOW:
        return {int(outcome.value)}
    return {page.get_status} if method == "GET" else ALLOWED_POST


MATRIX = [(page, actor) for page in PAGES for actor in ACTORS]


@pytest.mark.django_db
@pytest.mark.parametrize(("page_name", "actor_key"), MATRIX, ids=[f"{p}-{a}" for p, a in MATRIX])
def test_access_matrix(client: Any, world: World, page_name: str, actor_key: str) -> None:  # noqa: F811
    page, actor = PAGES[page_name], ACTORS[actor_key]
    actor.state(world)
    user = world.user(actor.username) if actor.username else None
    if user is not None:
        client.force_login(user)
    outcome = page.rule(actor)
    url = page.url(world)
    for method in ("GET", "POST") if "POST" in page.methods else ("GET",):
        asked = ask(client, method, url)
        where = f"{method} {page_name} as {actor_key}"
        leaked = [word for word in private_words(world) if word in asked.body]
        if user is None:
            assert asked.status == 302, where
            assert asked.location.startswith(reverse("accounts:sign-in")), where
            assert not asked.audit and not leaked, where
            continue
        expected = expected_statuses(page, outcome, method)
        assert asked.status in expected, f"{where}: {asked.status}, expected {expected}"
        shown = asked.status not in (403, 404, 405)
        if not shown:
            mine = [e for e in asked.audit if e.actor_id == user.pk]
            assert not mine, f"{where}: refused, yet audited"
        if not shown or not page.shows(actor):
            assert not leaked, f"{where}: the response names the pupil ({leaked})"
        if method == "GET" and shown and page.one_pupil:
            assert world.pupil.legal_surname in asked.body, f"{where}: the pupil is not named"
            named = [e for e in asked.audit if e.pupil_id == world.pupil.pk]
            assert any(e.actor_id == user.pk for e in named), (
                f"{where}: shown, but no audit row names the pupil"
            )
