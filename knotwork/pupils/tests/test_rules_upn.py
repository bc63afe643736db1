import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotwork.pupils.rules import InvalidUPN, upn_check_letter, validate_upn

CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def test_a_hand_computed_upn_is_valid():
    # 8x2 + 0x3 + 1x4 + 2x5 + 0x6..0x9 + 5x10 + 0x11 + 0x12 + 1x13 = 93; 93 mod 23 = 1 -> B
    assert validate_upn("B801200005001") == "B801200005001"


def test_it_normalises_case_and_spaces():
    assert validate_upn(" b8012 0000 5001 ") == "B801200005001"


def test_a_wrong_check_letter_is_refused():
    with pytest.raises(InvalidUPN, match="check letter"):
        validate_upn("C801200005001")


def test_a_short_upn_is_refused_with_its_length():
    with pytest.raises(InvalidUPN, match="13 characters; this has 12"):
        validate_upn("B80120000500")


@pytest.mark.parametrize("upn", ["I801200005001", "B8012000050O1", "B80120000500S"])
def test_letters_i_o_and_s_are_never_used(upn):
    with pytest.raises(InvalidUPN):
        validate_upn(upn)


def test_a_temporary_upn_ends_in_a_letter():
    body = "84540002600A"
    assert validate_upn(upn_check_letter(body) + body).endswith("A")


def test_a_newer_la_number_is_accepted():
    body = "942" + "4001" + "25" + "017"  # Cumberland, created 2023
    assert validate_upn(upn_check_letter(body) + body)


@given(
    st.text(alphabet="0123456789", min_size=11, max_size=11),
    st.sampled_from(list("0123456789" + CHECK_LETTERS)),
)
def test_every_body_with_its_check_letter_is_valid(digits, last):
    body = digits + last
    assert validate_upn(upn_check_letter(body) + body)[1:] == body


@given(
    st.text(alphabet="0123456789", min_size=12, max_size=12),
    st.integers(min_value=1, max_value=11),
    st.integers(min_value=1, max_value=9),
)
def test_changing_one_digit_breaks_the_check_letter(body, position, delta):
    upn = upn_check_letter(body) + body
    changed_digit = str((int(body[position]) + delta) % 10)
    changed = upn[: position + 1] + changed_digit + upn[position + 2 :]
    # weights 2..13 are all coprime with 23, so any single-digit change moves the sum mod 23
    with pytest.raises(InvalidUPN):
        validate_upn(changed)
