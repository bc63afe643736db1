import datetime

import pytest

from knotwork.attendance.letters import (
    letter_email,
    letter_filename,
    letter_for,
    letter_html,
    letter_pdf,
    letter_phone_script,
    letter_sms,
    year_figures,
)
from knotwork.attendance.models import LadderStep
from knotwork.attendance.testing import fill_register, whole_day
from knotwork.pupils.models import Contact

pytestmark = pytest.mark.django_db
D = datetime.date
ON = D(2026, 11, 27)


@pytest.fixture
def mum(cast):
    return Contact.objects.create(
        pupil=cast.pupil_a,
        name="Maria Ahmed",
        relationship="Mother",
        parental_responsibility=True,
        address="1 High Street\nEast Marsh\nEM1 1AA",
        preferred_channel=Contact.Channel.LETTER,
    )


@pytest.fixture
def marked(cast):
    """2 September - 27 November: 116 sessions; 6 missed (4 illness, 2 unauthorised)."""
    marks = {**whole_day(D(2026, 11, 2), "I"), **whole_day(D(2026, 11, 9), "I")}
    marks.update(whole_day(D(2026, 11, 16), "O"))
    enrolment = cast.pupil_a.enrolments.select_related("setting").get()
    fill_register(enrolment, 2026, through=ON, marks=marks)
    return enrolment


def letter_step(cast, parent, kind="letter_1", **extra):
    return LadderStep.objects.create(
        pupil=cast.pupil_a,
        kind=kind,
        date=ON,
        owner=cast.officer,
        created_by=cast.officer,
        parent=parent,
        **extra,
    )


def test_the_figures_are_this_year_s_to_the_letter_s_date(cast, marked):
    figures = year_figures(marked, ON)
    assert (figures.possible, figures.absent, figures.unauthorised) == (116, 6, 2)
    assert str(figures.attendance_rate) == "94.83"


def test_a_stage_1_letter_says_what_the_figures_are_and_offers_support(cast, mum, marked):
    letter = letter_for(letter_step(cast, mum, review_on=D(2026, 12, 18)))
    assert letter.stage == 1 and letter.channel == "letter"
    assert letter.subject == "Attendance of Amira Ahmed: letter, stage 1"
    text = " ".join(letter.paragraphs)
    assert "We are writing about Amira's attendance at Ashdown Academy." in text
    assert (
        "From 1 September 2026 to 27 November 2026, Amira attended 94.83% of sessions and "
        "missed 6 of 116 sessions, 2 of them without permission." in text
    )
    assert "on 18 December 2026" in text
    assert "<" not in text and "&#x27;" not in text


def test_stage_3_names_the_legal_measures(cast, mum, marked):
    text = " ".join(letter_for(letter_step(cast, mum, kind="letter_3")).paragraphs)
    assert "attendance panel meeting" in text
    assert "section 444 of the Education Act 1996" in text


def test_the_email_is_the_same_text_with_a_greeting_and_sign_off(cast, mum, marked):
    letter = letter_for(letter_step(cast, mum, kind="letter_2"))
    body = letter_email(letter)
    assert body.startswith("Dear Maria Ahmed,\n\nWe wrote to you recently about Amira's")
    for paragraph in letter.paragraphs:
        assert paragraph in body
    assert body.endswith("Yours sincerely,\nOlu\nAshdown Academy\n")


def test_the_text_message_is_short(cast, mum, marked):
    sms = letter_sms(letter_for(letter_step(cast, mum)))
    assert sms.startswith("Ashdown Academy: we are concerned about Amira's attendance (94.83%")
    assert len(sms) <= 160


def test_the_phone_script_is_a_list_of_points(cast, mum, marked):
    points = letter_phone_script(letter_for(letter_step(cast, mum, kind="letter_3")))
    assert points[0].startswith("Check you are speaking to Maria Ahmed")
    assert "Give the figures: 94.83% attendance this year, 6 of 116 sessions missed." in points
    assert points[-1] == "Record the outcome of the call on the ladder."


def test_the_printed_letter_is_addressed_and_is_a_pdf(cast, mum, marked):
    letter = letter_for(letter_step(cast, mum))
    html = letter_html(letter)
    assert "1 High Street\nEast Marsh\nEM1 1AA" in html
    assert "Dear Maria Ahmed," in html and "27 November 2026" in html
    pdf = letter_pdf(letter)
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000


def test_a_letter_without_register_marks_leaves_the_figures_out(cast, mum):
    letter = letter_for(letter_step(cast, mum))
    assert letter.context["figures"] is None
    assert not any("% of sessions" in p for p in letter.paragraphs)
    assert letter_sms(letter).startswith(
        "Ashdown Academy: we are concerned about Amira's attendance."
    )


def test_the_file_name_has_no_personal_data(cast, mum):
    step = letter_step(cast, mum, kind="letter_2")
    assert letter_filename(step) == "attendance-letter-stage-2-2026-11-27.pdf"


def test_only_letters_have_a_letter(cast):
    step = letter_step(cast, None, kind="panel")
    with pytest.raises(ValueError):
        letter_for(step)


def test_the_channel_is_the_one_chosen_when_the_step_was_added(cast, mum):
    step = letter_step(cast, mum, details={"channel": "phone"})
    mum.preferred_channel = Contact.Channel.EMAIL
    mum.save()
    step.refresh_from_db()
    letter = letter_for(step)
    assert (letter.channel, letter.channel_label) == ("phone", "Phone call")
