"""Temporary UPNs issued by a local authority for a child with none known."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotwork.pupils.rules import (
    TEMPORARY_LETTERS,
    TEMPORARY_PER_YEAR,
    temporary_upn,
    validate_upn,
)


def test_the_first_temporary_upn_by_hand():
    # Body 845 0000 26 00 A; the check letter by the DfE's weights (python-stdnum).
    upn = temporary_upn("845", 2026, 0)
    assert upn[1:] == "845000026" + "00A"
    assert validate_upn(upn) == upn


def test_the_serial_runs_through_the_letters_then_the_digits():
    assert temporary_upn("845", 2026, 22)[-3:] == "00Z"
    assert temporary_upn("845", 2026, 23)[-3:] == "01A"
    assert temporary_upn("845", 2026, TEMPORARY_PER_YEAR - 1)[-3:] == "99Z"


def test_it_refuses_what_it_cannot_issue():
    with pytest.raises(ValueError):
        temporary_upn("84", 2026, 0)
    with pytest.raises(ValueError):
        temporary_upn("845", 2026, TEMPORARY_PER_YEAR)


@given(
    la=st.integers(0, 999).map(lambda n: f"{n:03d}"),
    year=st.integers(2000, 2099),
    serial=st.integers(0, TEMPORARY_PER_YEAR - 1),
)
def test_every_temporary_upn_is_valid_and_ends_in_a_letter(la, year, serial):
    upn = temporary_upn(la, year, serial)
    assert validate_upn(upn) == upn
    assert upn[-1] in TEMPORARY_LETTERS and upn[1:4] == la


@given(st.sets(st.integers(0, TEMPORARY_PER_YEAR - 1), min_size=2, max_size=20))
def test_different_serials_give_different_upns(serials):
    assert len({temporary_upn("845", 2026, s) for s in serials}) == len(serials)
