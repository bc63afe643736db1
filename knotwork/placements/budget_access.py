"""Who may do what with the intervention menu, orders and the pooled budget.

- The menu: read by everyone signed in with a place in a partnership; changed by members
  of a local authority service who may edit.
- Orders: placed by staff who may edit at the ordering setting, or by the partnership's
  coordinators and LA officers who may edit (for a pupil, only one whose record they may
  change). An order for a pupil is seen by those who see the pupil (``visible_among``);
  a group order by the ordering setting's staff and the partnership's coordinators and
  LA officers. Delivered (officer, sessions, completion, refunds) by members of the
  partnership's LA service who may edit.
- The budget: its statement read by every member of the partnership, board members
  included (it names no pupil); its entries kept by the accountable manager and the LA
  service's members who may edit.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from knotwork.accounts.models import Membership, Role, User
from knotwork.directory.models import Organisation, Partnership, Setting
from knotwork.placements.budget_models import InterventionOrder, PooledBudget
from knotwork.pupils.access import PARTNERSHIP_ROLES, SETTING_ROLES, visible_among

Anyone = User | AnonymousUser


def _memberships(user: Anyone) -> list[Membership]:
    if not user.is_authenticated or not user.is_active:
        return []
    return list(Membership.objects.filter(user_id=user.pk).select_related("organisation"))


def _partnership_ids(organisation_ids: list[int]) -> set[int]:
    if not organisation_ids:
        return set()
    return set(
        Partnership.objects.filter(memberships__organisation_id__in=organisation_ids).values_list(
            "pk", flat=True
        )
    )


def partnerships_in_scope(user: Anyone) -> QuerySet[Partnership]:
    """The partnerships any of the user's organisations belongs to."""
    ids = _partnership_ids([m.organisation_id for m in _memberships(user)])
    return Partnership.objects.filter(pk__in=sorted(ids)).order_by("name")


def _service_memberships(user: Anyone, *, edit: bool) -> list[Membership]:
    """Places at a local authority service, in a role that works (not the board)."""
    return [
        m
        for m in _memberships(user)
        if m.organisation.kind == Organisation.Kind.LA_SERVICE
        and m.role != Role.BOARD_MEMBER
        and (m.can_edit or not edit)
    ]


def may_edit_menu(user: Anyone) -> bool:
    return bool(_service_memberships(user, edit=True))


def menu_providers(user: Anyone) -> QuerySet[Organisation]:
    """The LA services whose menu the user may change."""
    ids = [m.organisation_id for m in _service_memberships(user, edit=True)]
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def may_read_menu(user: Anyone) -> bool:
    return bool(_memberships(user)) or bool(getattr(user, "is_superuser", False))


def service_partnership_ids(user: Anyone, *, edit: bool) -> set[int]:
    """Partnerships in which the user works for the LA service."""
    return _partnership_ids([m.organisation_id for m in _service_memberships(user, edit=edit)])


def _officer_partnership_ids(user: Anyone, *, edit: bool) -> set[int]:
    return _partnership_ids(
        [
            m.organisation_id
            for m in _memberships(user)
            if m.role in PARTNERSHIP_ROLES and (m.can_edit or not edit)
        ]
    )


def _settings_of_partnerships(partnership_ids: set[int]) -> set[int]:
    if not partnership_ids:
        return set()
    return set(
        Setting.objects.filter(
            partnership_memberships__partnership_id__in=partnership_ids
        ).values_list("pk", flat=True)
    )


def orderable_settings(user: Anyone) -> QuerySet[Setting]:
    """Settings the user may place orders for."""
    memberships = _memberships(user)
    ids = {m.organisation_id for m in memberships if m.role in SETTING_ROLES and m.can_edit}
    ids |= _settings_of_partnerships(_officer_partnership_ids(user, edit=True))
    return Setting.objects.filter(pk__in=sorted(ids)).order_by("name")


def order_scope(user: Anyone) -> Q | None:
    """The orders a user might see, before asking about each one's pupil: those of their
    own settings, and those of their partnerships for coordinators and LA officers."""
    memberships = _memberships(user)
    setting_ids = {m.organisation_id for m in memberships if m.role in SETTING_ROLES}
    partnership_ids = _officer_partnership_ids(user, edit=False)
    scope = Q(pk__in=[])
    found = False
    if setting_ids:
        scope |= Q(setting_id__in=sorted(setting_ids))
        found = True
    if partnership_ids:
        scope |= Q(budget__partnership_id__in=sorted(partnership_ids))
        found = True
    return scope if found else None


def may_deliver(user: Anyone, order: InterventionOrder) -> bool:
    """The partnership's LA service delivers: its members who may edit."""
    return order.budget.partnership_id in service_partnership_ids(user, edit=True)


def may_read_budget(user: Anyone, budget: PooledBudget) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return budget.partnership_id in _partnership_ids(
        [m.organisation_id for m in _memberships(user)]
    )


def may_keep_budget(user: Anyone, budget: PooledBudget) -> bool:
    if not user.is_authenticated:
        return False
    if budget.accountable_manager_id == user.pk:
        return True
    return budget.partnership_id in service_partnership_ids(user, edit=True)


def manager_candidates(partnerships: QuerySet[Partnership]) -> QuerySet[User]:
    """Who may be a budget's accountable manager: anyone working in one of the
    partnerships' organisations (seed 004 para 82: often someone from one school)."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation__partnership_memberships__partnership__in=partnerships,
        )
        .exclude(memberships__role=Role.BOARD_MEMBER)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def may_order_for_pupil(user: Anyone, pupil_id: int) -> bool:
    return bool(visible_among(user, [pupil_id], for_edit=True))
