"""What the partnership's landing page reads: for each area the user's role may see, the
one or two figures a coordinator looks for first. Aggregates only, never a pupil; each
area's own access helper decides whether its card is shown."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q

from knotwork.accounts.models import User
from knotwork.directory.models import Partnership, PartnershipMember
from knotwork.placements import move_rules
from knotwork.placements.budget_access import may_read_menu, order_scope
from knotwork.placements.budget_models import InterventionOrder, MenuItem, PooledBudget
from knotwork.placements.budget_queries import budget_statement, budgets_for
from knotwork.placements.fair_access_models import FairAccessPlacement
from knotwork.placements.move_models import ManagedMove
from knotwork.placements.move_queries import success_days
from knotwork.placements.order_queries import officer_rows, officers_scope, orders_for
from knotwork.placements.panel_access import visible_panels
from knotwork.placements.panel_models import PanelMeeting
from knotwork.placements.provision_access import partnership_for
from knotwork.placements.provision_models import ProvisionReview
from knotwork.pupils.models import Enrolment

Anyone = User | AnonymousUser


@dataclass(frozen=True)
class PanelCard:
    next_meeting: PanelMeeting | None
    items: int  # on the next meeting's agenda


@dataclass(frozen=True)
class MoveCard:
    in_trial: int
    judged: int
    per_cent: Decimal | None
    band: str | None


@dataclass(frozen=True)
class MenuCard:
    items: int  # offered on the menu
    open_orders: int | None  # None for those who see no orders


@dataclass(frozen=True)
class BudgetCard:
    budget: PooledBudget | None
    balance: Decimal | None


@dataclass(frozen=True)
class CaseloadCard:
    officers: int
    over_limit: int
    open_orders: int


@dataclass(frozen=True)
class Landing:
    partnership: Partnership | None
    panels: PanelCard | None = None
    moves: MoveCard | None = None
    fair_access_waiting: int | None = None
    reviews_overdue: int | None = None
    menu: MenuCard | None = None
    budget: BudgetCard | None = None
    caseloads: CaseloadCard | None = None

    @property
    def empty(self) -> bool:
        return not any(
            card is not None
            for card in (
                self.panels,
                self.moves,
                self.fair_access_waiting,
                self.reviews_overdue,
                self.menu,
                self.budget,
                self.caseloads,
            )
        )


def _panel_card(user: Anyone, today: datetime.date) -> PanelCard | None:
    panels = visible_panels(user)
    if not panels.exists():
        return None
    meeting = (
        PanelMeeting.objects.filter(
            panel__in=panels.values("pk"), status=PanelMeeting.Status.PLANNED, held_on__gte=today
        )
        .select_related("panel")
        .annotate(n_items=Count("items"))
        .order_by("held_on", "pk")
        .first()
    )
    return PanelCard(meeting, getattr(meeting, "n_items", 0))


def _move_card(partnership: Partnership, today: datetime.date) -> MoveCard:
    """Moves from the partnership's settings in their trial, and the success rate as the
    monitor reads it (from the receiving schools' enrolments)."""
    setting_ids = PartnershipMember.objects.filter(
        partnership=partnership, organisation__kind="setting"
    ).values("organisation_id")
    moves = list(
        ManagedMove.objects.filter(from_setting_id__in=setting_ids).values_list(
            "pupil_id", "to_setting_id", "status", "finalised_on"
        )
    )
    finalised = [m for m in moves if m[2] == ManagedMove.Status.PERMANENT and m[3] is not None]
    stays: dict[tuple[int, int], list[move_rules.Stay]] = {}
    if finalised:
        for pupil_id, setting_id, start, end in Enrolment.objects.filter(
            pupil_id__in={m[0] for m in finalised},
            setting_id__in={m[1] for m in finalised},
        ).values_list("pupil_id", "setting_id", "start_date", "end_date"):
            stays.setdefault((pupil_id, setting_id), []).append(move_rules.Stay(start, end))
    days = success_days()
    outcomes = [
        move_rules.move_success(
            status=status,
            finalised_on=finalised_on,
            stays=stays.get((pupil_id, to_setting_id), []),
            today=today,
            success_days=days,
        )
        for pupil_id, to_setting_id, status, finalised_on in moves
    ]
    rate = move_rules.success_rate(outcomes)
    return MoveCard(
        in_trial=sum(1 for m in moves if m[2] == ManagedMove.Status.TRIAL),
        judged=sum(1 for o in outcomes if o is not None),
        per_cent=move_rules.per_cent(rate),
        band=move_rules.band(rate),
    )


def _reviews_overdue(partnership: Partnership, today: datetime.date) -> int:
    """Reviews not held and past their day, of the partnership's running placements."""
    return ProvisionReview.objects.filter(
        Q(placement__ends_on__isnull=True) | Q(placement__ends_on__gte=today),
        placement__partnership=partnership,
        placement__starts_on__lte=today,
        held_on__isnull=True,
        due_on__lt=today,
    ).count()


def _menu_card(user: Anyone) -> MenuCard | None:
    if not may_read_menu(user):
        return None
    sees_orders = order_scope(user) is not None
    return MenuCard(
        items=MenuItem.objects.filter(active=True).count(),
        open_orders=orders_for(user, status="open").count() if sees_orders else None,
    )


def _budget_card(user: Anyone) -> BudgetCard:
    budget = budgets_for(user).first()
    if budget is None:
        return BudgetCard(None, None)
    return BudgetCard(budget, budget_statement(budget).balance)


def _caseload_card(user: Anyone, today: datetime.date) -> CaseloadCard | None:
    scope = officers_scope(user)
    if not scope:
        return None
    rows = officer_rows(scope, today)
    return CaseloadCard(
        officers=len(rows),
        over_limit=sum(1 for r in rows if r.load.over),
        open_orders=InterventionOrder.objects.filter(
            budget__partnership_id__in=sorted(scope), status__in=InterventionOrder.OPEN
        ).count(),
    )


def landing(user: Anyone, today: datetime.date) -> Landing:
    """The landing page's cards for the user's partnership (the first of theirs by name,
    as the fair access and provision pages choose)."""
    partnership = partnership_for(user)
    if partnership is None:
        return Landing(partnership=None, panels=_panel_card(user, today))
    return Landing(
        partnership=partnership,
        panels=_panel_card(user, today),
        moves=_move_card(partnership, today),
        fair_access_waiting=FairAccessPlacement.objects.filter(
            partnership=partnership, started_on__isnull=True
        ).count(),
        reviews_overdue=_reviews_overdue(partnership, today),
        menu=_menu_card(user),
        budget=_budget_card(user),
        caseloads=_caseload_card(user, today),
    )
