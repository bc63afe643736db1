"""New members of the demo's organisations for its casework: practitioners who take
referrals on, the service managers who answer them, and key workers. They have no
password until someone gives them one; the demo's sign-ins are ``demo_sign_ins``."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from faker import Faker

from knotwork.accounts.models import Membership, User
from knotwork.directory.models import Organisation


def slug(organisation: Organisation) -> str:
    """The organisation's initials, for usernames."""
    return "".join(w[0] for w in organisation.name.split() if w[0].isalpha()).lower()


def demo_staff_add(
    organisation: Organisation,
    *,
    count: int,
    role: str,
    job_title: str,
    prefix: str,
    fake: Faker,
    can_edit: bool = False,
) -> list[User]:
    """New members of an organisation for the demo's casework: they sign in only once
    someone gives them a password."""
    taken = set(User.objects.filter(username__startswith=prefix).values_list("username", flat=True))
    password = make_password(None)
    users: list[User] = []
    n = 0
    while len(users) < count:
        n += 1
        username = f"{prefix}{n:03d}"
        if username in taken:
            continue
        first, last = fake.first_name(), fake.last_name()
        users.append(
            User(
                username=username,
                password=password,
                first_name=first,
                last_name=last,
                email=f"{username}@eastmarsh.example",
            )
        )
    users = User.objects.bulk_create(users)
    Membership.objects.bulk_create(
        Membership(
            user=u, organisation=organisation, role=role, can_edit=can_edit, job_title=job_title
        )
        for u in users
    )
    return users
