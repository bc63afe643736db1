"""The services the demo's agencies and the local authority's service take referrals
for: how long each aims to take to answer, how long it really takes to answer and to
start, whether it keeps a waiting list, how often schools refer to it, and the words
of its referrals, refusals and closures. CAMHS answers within weeks and starts months
later; the education welfare service and the local authority's service take days."""

from __future__ import annotations

from dataclasses import dataclass

from knotwork.directory.models import Agency
from knotwork.pupils.models import PupilLink

Basis = PupilLink.LawfulBasis
LA = "la"


@dataclass(frozen=True)
class ServicePlan:
    """A service the demo gives an organisation, and how it answers referrals."""

    organisation: str  # an agency type, or "la" for the local authority's service
    keyword: str  # a word of the agency's name, where the type has more than one
    name: str
    target_days: int
    answer: tuple[int, int]  # days from sending to an answer
    start: tuple[int, int]  # days from acceptance to the first session
    waiting_list: bool
    weight: int
    reason: str
    declined: str
    role: str  # the practitioner's job title
    basis: str = Basis.CONSENT


SERVICES = [
    ServicePlan(LA, "", "Behaviour support outreach", 10, (1, 8), (3, 15), False, 10,
                "Repeated disruption and two suspensions this term; the school's behaviour "
                "plan has not changed things. Asking for outreach and a key worker.",
                "The pupil's needs are being met by the school's own plan; "
                "advice sent to the head of year.", "Behaviour and attendance key worker",
                Basis.PUBLIC_TASK),
    ServicePlan(LA, "", "Attendance support", 5, (1, 4), (2, 10), False, 8,
                "Attendance has fallen below 85% this half term with no medical reason; "
                "parents agreed to the referral at the attendance meeting.",
                "Already open to the education welfare service for attendance.",
                "Behaviour and attendance key worker", Basis.PUBLIC_TASK),
    ServicePlan(Agency.Type.EWS, "", "Attendance casework", 10, (2, 9), (3, 12), False, 14,
                "Persistently absent since September; the school's support plan has run for "
                "six weeks without improvement.",
                "The school's own attendance support plan has not yet run for six weeks.",
                "Education welfare officer", Basis.PUBLIC_TASK),
    ServicePlan(Agency.Type.EP, "", "Consultation and assessment", 20, (7, 25), (14, 40),
                False, 6,
                "Difficulties with learning and concentration; the SENCO asks for an "
                "assessment and advice for the SEN support plan.",
                "Please raise at the termly planning meeting with the link psychologist.",
                "Educational psychologist"),
    ServicePlan(Agency.Type.CAMHS, "", "Mental health support team in schools", 28,
                (10, 35), (60, 150), True, 10,
                "Low mood and anxiety for several months, not sleeping, refusing some "
                "lessons; the family asked the school to refer.",
                "Needs are beyond the in-school team: referred on to specialist CAMHS.",
                "Mental health practitioner"),
    ServicePlan(Agency.Type.CAMHS, "", "Specialist assessment and treatment", 28, (14, 42),
                (90, 240), True, 6,
                "Self-harm disclosed to the school nurse; safety plan in place at school. "
                "Asking for a specialist assessment.",
                "Needs can be met by the mental health support team in school.",
                "Clinical psychologist"),
    ServicePlan(Agency.Type.YOT, "", "Prevention programme", 10, (3, 12), (7, 21), False, 4,
                "Stopped by police twice near the town centre this month; worries about "
                "older young people he spends time with.",
                "No current risk of offending identified; signposted to the youth service.",
                "Prevention worker"),
    ServicePlan(Agency.Type.SOCIAL_CARE, "", "Early help allocation", 5, (1, 6), (5, 20),
                False, 5,
                "Needs across the family: housing worries, a parent unwell, attendance "
                "falling. Early help assessment completed with the family.",
                "Below the threshold for early help allocation: school-led support advised.",
                "Early help practitioner", Basis.PUBLIC_TASK),
    ServicePlan(Agency.Type.CAREERS, "", "Targeted careers guidance", 15, (3, 15), (7, 30),
                False, 3,
                "On the at-risk-of-NEET list: attendance low and no plans for next year.",
                "Already seen by the school's careers adviser this term.",
                "Personal adviser"),
    ServicePlan(Agency.Type.SCHOOL_NURSE, "", "Emotional health support", 10, (2, 10),
                (5, 25), False, 5,
                "Frequent visits to the medical room with headaches; says things are "
                "hard at home.",
                "Referred to the GP for a medical review first.", "School nurse"),
    ServicePlan(Agency.Type.YOUTH_SERVICE, "", "Targeted group work", 15, (5, 15), (7, 35),
                False, 4,
                "Anger in unstructured times; would benefit from the evening group on "
                "managing conflict.",
                "The group is full this term; offered the next one.", "Youth worker"),
    ServicePlan(Agency.Type.MAST, "", "Family support", 14, (5, 16), (7, 28), False, 8,
                "Parents struggling with routines at home; early help assessment done "
                "with the family, who want support.",
                "Family outside the team's area: passed to the local team.",
                "Family support worker"),
    ServicePlan(Agency.Type.SPECIALIST, "", "Outreach and advice", 20, (5, 20), (14, 40),
                False, 3,
                "Autistic pupil finding the changes between lessons very hard; "
                "increasing incidents at lunchtime.",
                "Needs advice from the educational psychologist first.",
                "Specialist teacher"),
    ServicePlan(Agency.Type.VOLUNTARY, "carers", "Young carers' assessment", 14, (3, 14),
                (7, 21), False, 3,
                "Cares for a parent with a long-term illness; often late and tired.",
                "Already known to the service and supported.", "Young carers' worker"),
    ServicePlan(Agency.Type.VOLUNTARY, "mentoring", "One-to-one mentoring", 14, (5, 14),
                (28, 45), False, 6,
                "At risk of exclusion; responds well to one adult. Strengths: sport, music.",
                "No mentor in the pupil's area this year.", "Mentoring coordinator"),
    ServicePlan(Agency.Type.HOUSING, "", "Duty to refer", 3, (1, 3), (1, 10), False, 1,
                "The family have been served notice on their home and have nowhere to go.",
                "The family are already in touch with housing options.",
                "Housing options officer"),
    ServicePlan(Agency.Type.OTHER, "drug", "Drug and alcohol support", 10, (2, 10), (5, 20),
                False, 2,
                "Disclosed cannabis use most days; wants help to cut down.",
                "The young person did not want the referral when contacted.",
                "Young people's substance misuse worker"),
]  # fmt: skip

CLOSED = (
    "Work completed: the goals agreed with the family were met.",
    "The family moved out of the area.",
    "Needs now met by the school's own support.",
    "The family decided not to take up the service.",
)
WITHDRAWN = "Withdrawn by the school: the pupil's needs are now met in school."
EVIDENCE = (
    "Attendance and behaviour records attached; notes of two meetings with parents.",
    "The school's support plan since half term and its reviews.",
    "Pastoral notes and the pupil's own account, shared with consent.",
)
NOT_CONSENT = "Shared without consent under the local authority's duty; decided by the lead."
