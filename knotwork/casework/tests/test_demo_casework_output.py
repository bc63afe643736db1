"""``knotwork demo`` says what casework it wrote."""

from io import StringIO

import pytest
from django.core.management import call_command

from knotwork.casework.case_models import Case
from knotwork.casework.models import Concern, Referral

pytestmark = pytest.mark.django_db


def test_the_command_says_how_many_concerns_referrals_and_cases_it_wrote():
    out = StringIO()
    call_command("demo", "--pupils", "300", "--seed", "2", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert f"Casework: {Concern.objects.count():,} concerns" in text
    assert f"{Referral.objects.count():,} referrals" in text
    open_cases = Case.objects.filter(status="open").count()
    assert open_cases > 0 and f"{open_cases:,} open cases" in text
