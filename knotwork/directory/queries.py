"""What the directory pages read."""

from __future__ import annotations

import datetime

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.urls import reverse

from knotwork.accounts.models import User
from knotwork.directory.models import (
    Agency,
    Organisation,
    Outcome,
    Partnership,
    PartnershipMember,
    Setting,
)


def settings_listing() -> QuerySet[Setting]:
    """Every setting with its latest behaviour judgement: directory facts, no pupils."""
    return Setting.objects.select_related("local_authority").prefetch_related("judgements")


def setting_overview(setting: Setting, user: User, on: datetime.date) -> dict[str, object]:
    """A setting's page: its facts, partnerships, judgements, and (if the user may see them)
    how many of its pupils are on roll."""
    from knotwork.pupils.access import visible_pupils

    visible_here = visible_pupils(user, on).on_roll_at([setting.pk], on)
    return {
        "setting": setting,
        "judgements": list(setting.judgements.all()),
        "partnerships": list(
            PartnershipMember.objects.filter(organisation=setting).select_related("partnership")
        ),
        "visible_on_roll": visible_here.count(),
    }


def review_due_before(on: datetime.date) -> datetime.date:
    """Entries last reviewed before this date, twelve months ago, are due for review."""
    try:
        return on.replace(year=on.year - 1)
    except ValueError:  # 29 February
        return on.replace(year=on.year - 1, day=28)


def agencies_matching(
    *,
    on: datetime.date,
    text: str = "",
    agency_type: str = "",
    outcome: str = "",
    area: str = "",
) -> QuerySet[Agency]:
    """Directory entries matching a search (name, services or area) and filters, by name,
    with their outcomes and whether each is due for review on ``on``."""
    agencies = Agency.objects.all()
    if text:
        agencies = agencies.filter(
            Q(name__icontains=text) | Q(services__icontains=text) | Q(area__icontains=text)
        )
    if agency_type:
        agencies = agencies.filter(agency_type=agency_type)
    if outcome:
        agencies = agencies.filter(outcomes__code=outcome)
    if area:
        agencies = agencies.filter(area=area)
    due = ExpressionWrapper(Q(last_reviewed__lt=review_due_before(on)), output_field=BooleanField())
    return agencies.annotate(review_due=due).prefetch_related("outcomes").order_by("name", "pk")


def agency_areas() -> list[str]:
    """The areas agencies say they work in, for the area filter."""
    return list(Agency.objects.order_by("area").values_list("area", flat=True).distinct())


def directory_outcomes() -> list[Outcome]:
    """The five Every Child Matters outcomes, in order."""
    return list(Outcome.objects.order_by("position"))


def agency_overview(agency: Agency, on: datetime.date) -> dict[str, object]:
    """An agency's page: its entry, outcomes, the partnerships it is in, and whether the
    entry is due for review."""
    return {
        "agency": agency,
        "outcomes": list(agency.outcomes.order_by("position")),
        "partnerships": list(
            PartnershipMember.objects.filter(organisation=agency)
            .select_related("partnership")
            .order_by("partnership__name")
        ),
        "review_due": agency.last_reviewed < review_due_before(on),
    }


def partnerships_of(user: User) -> QuerySet[Partnership]:
    """The partnerships the user's organisations belong to."""
    return (
        Partnership.objects.filter(memberships__organisation__staff__user=user)
        .distinct()
        .order_by("name")
    )


_MEMBER_GROUPS = [
    (Organisation.Kind.SETTING, "Settings"),
    (Organisation.Kind.LA_SERVICE, "Local authority"),
    (Organisation.Kind.AGENCY, "Agencies"),
]


def partnership_members(partnership: Partnership) -> dict[str, object]:
    """A partnership's members grouped by kind, each with the page to follow, if any."""
    members = list(
        PartnershipMember.objects.filter(partnership=partnership)
        .select_related("organisation__setting", "organisation__agency")
        .order_by("organisation__name")
    )
    groups = []
    for kind, title in _MEMBER_GROUPS:
        rows = []
        for member in members:
            if member.organisation.kind != kind:
                continue
            link = None
            if kind == Organisation.Kind.SETTING:
                link = reverse("directory:setting-detail", args=[member.organisation.uuid])
            elif kind == Organisation.Kind.AGENCY:
                link = reverse("directory:agency-detail", args=[member.organisation.uuid])
            rows.append({"member": member, "link": link})
        if rows:
            groups.append({"title": title, "members": rows})
    return {"groups": groups}
