"""Who works for which partnership, for fair access and alternative provision pages.

Pupils on those pages are shown by the one rule of ``pupils.access`` (``visible_among``,
``get_pupil_for_user``): the home school's staff and the partnership's officers see the
placements of their pupils, and a provider's staff see the pupils placed with them while
the placement runs, because the placement puts the pupil on the provider's roll
(a subsidiary registration). This module adds only the partnership-wide questions: which
partnership a user works in, and who may change its directory of providers and record
fair access decisions (its coordinators and local authority officers who may edit).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from knotwork.accounts.models import Membership, User
from knotwork.directory.models import Partnership
from knotwork.pupils.access import is_officer_of


def partnerships_of(user: User | AnonymousUser) -> list[Partnership]:
    """The partnerships the user's organisations belong to, by name."""
    if not user.is_authenticated or not user.is_active:
        return []
    organisations = Membership.objects.filter(user=user).values("organisation_id")
    return list(
        Partnership.objects.filter(memberships__organisation_id__in=organisations)
        .distinct()
        .order_by("name")
    )


def partnership_for(user: User | AnonymousUser) -> Partnership | None:
    """The partnership a user's pages are about: the first of theirs by name."""
    found = partnerships_of(user)
    return found[0] if found else None


def is_partnership_officer(
    user: User | AnonymousUser, partnership: Partnership, *, for_edit: bool = False
) -> bool:
    """A coordinator or local authority officer of an organisation in the partnership
    (and, for_edit, one who may change records)."""
    return is_officer_of(user, partnership, for_edit=for_edit)
