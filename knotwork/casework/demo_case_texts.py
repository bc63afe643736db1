"""The words of the demo's cases: assessments in the early help domains, the approach a
referral meeting agrees (seed 002 activity 3.3), plan actions with the kind of owner
each has, the views and what is working at reviews as a case moves on (seed 001's
solution-focused meetings), and closures with their exit summaries. No names: the
demo's cases say "the young person", as a record read by many people should."""

from __future__ import annotations

ASSESSMENTS: list[dict[str, str]] = [
    {
        "development_strengths": "Enjoys practical subjects and PE; kind to younger pupils.",
        "development_needs": "Finds it hard to stay in lessons when anxious; falling behind "
        "in English and maths.",
        "parenting_strengths": "Mother keen to work with school and attends meetings.",
        "parenting_needs": "Routines at home have slipped since the family moved; mornings "
        "are a struggle.",
        "family_strengths": "Close to grandparents, who live nearby and help with school runs.",
        "family_needs": "Overcrowded temporary housing; money worries since a parent lost work.",
    },
    {
        "development_strengths": "Articulate and funny; a talented footballer.",
        "development_needs": "Anger when challenged, leading to incidents and two suspensions.",
        "parenting_strengths": "Father sets clear boundaries and wants to help.",
        "parenting_needs": "Parents disagree on how to respond; little contact with school.",
        "family_strengths": "Strong bond with an older sister who is doing well at college.",
        "family_needs": "Older brother known to the youth justice service; worries about "
        "who the young person spends time with.",
    },
    {
        "development_strengths": "Works hard in art and science; reliable with homework "
        "when in school.",
        "development_needs": "Low mood and poor sleep; missing mornings most weeks.",
        "parenting_strengths": "Parent notices changes quickly and asks for help.",
        "parenting_needs": "Parent's own health makes it hard to get the young person in.",
        "family_strengths": "A settled home; a younger brother they get on well with.",
        "family_needs": "The young person is a carer for a parent on bad days.",
    },
    {
        "development_strengths": "Good relationships with two members of staff; loves music.",
        "development_needs": "Autistic: changes and noise at lunchtime lead to distress and "
        "walking out of school.",
        "parenting_strengths": "Parents know the young person's needs well and share what "
        "works at home.",
        "parenting_needs": "Parents exhausted; asking for advice on managing meltdowns.",
        "family_strengths": "Extended family involved and supportive.",
        "family_needs": "Waiting for a specialist assessment; no respite.",
    },
]

APPROACH: dict[str, str] = {
    "common_approach": "One trusted adult in school each morning; praise in private; a "
    "time-out card agreed with every teacher.",
    "responsibility": "The key worker holds the plan and chases actions; the school "
    "contact runs the daily check-in; each agency leads its own sessions.",
    "school_feedback": "A short note to the head of year after every session; the key "
    "worker calls the school contact each Friday.",
    "key_contacts": "The key worker; the school's head of year; the duty worker of each "
    "agency involved.",
    "monitoring": "Attendance and incidents each week from the school; scaling at each "
    "review; the plan reviewed every four to six weeks.",
    "parent_involvement": "Parents at every review; a phone call each week from the key "
    "worker; asked before anything changes.",
    "information_protocol": "Shared with the family's written consent, only with the team "
    "around the child; safeguarding concerns go to the designated safeguarding lead at once.",
}

#: What the plan says, and who owns it: the lead, the school's contact, anyone on the
#: team, a parent, or the young person.
ACTIONS: list[tuple[str, str]] = [
    ("Meet the family at home to agree the plan", "lead"),
    ("Daily check-in with a trusted adult on arrival", "school"),
    ("Agree a reduced timetable for two weeks, then build back up", "school"),
    ("Fortnightly attendance meeting with parents", "school"),
    ("Weekly one-to-one session", "team"),
    ("Attend the six-week parenting programme", "parent"),
    ("Find a place in the youth service's evening group", "lead"),
    ("Share the safety plan with the form tutor and head of year", "school"),
    ("Breakfast club place from Monday", "school"),
    ("Keep to the morning routine agreed at the last review", "parent"),
    ("Use the time-out card instead of walking out", "pupil"),
    ("Chase the specialist assessment date", "lead"),
    ("Report on progress to the next review", "team"),
    ("Apply for help with uniform and travel costs", "lead"),
]

#: Views at a review, from a case's early days to when things are going well.
VIEWS: list[tuple[str, str, str]] = [
    (
        '"I don\'t want to come in. Nobody listens." Said mornings are the worst.',
        "Worried and tired; says the family has tried everything.",
        "School: attendance still low; some good days in practical lessons.",
    ),
    (
        '"It\'s a bit better. I like the check-in." Still finds Mondays hard.',
        "Seeing small changes; mornings calmer on most days.",
        "School: fewer incidents this half term; in lessons more often.",
    ),
    (
        '"I\'m doing OK. I want to keep the same people."',
        "Pleased; the young person is talking more at home.",
        "School: attendance up; no suspensions since the plan started.",
    ),
    (
        '"I don\'t really need the time-out card now." Proud of their report.',
        "Confident the family can keep things going with school support.",
        "School: attending nearly every day; ready to step down the support.",
    ),
]

WORKING: list[str] = [
    "The young person talks to one member of staff; the family came to the meeting.",
    "The morning check-in; the parent's weekly call with the key worker.",
    "A settled routine; the mentoring sessions; the time-out card used well.",
    "Everything agreed is in place; the young person asks for help before things build up.",
]

NEXT_STEPS: list[str] = [
    "Keep the daily check-in; key worker to visit home before the next review.",
    "Build the timetable back to full days over the next three weeks.",
    "School to arrange the transition visit; family to keep the morning routine.",
    "Review in four weeks; agree then whether to step support down.",
]

OTHERS_PRESENT: list[str] = [
    "The young person and their mother",
    "The young person and both parents",
    "The young person and their father",
    "The young person, their grandmother and a family friend",
]

#: How a case closed, and its exit summary.
CLOSURES: list[tuple[str, str]] = [
    ("outcomes_met", "Attendance back above 95% and no incidents for six weeks; the young "
     "person and family agree the plan's goals are met. School keeps the check-in."),
    ("outcomes_met", "Goals met: the young person is in full-time lessons and scaling "
     "rose from 3 to 8 over the intervention. Family know who to call if things slip."),
    ("stepped_down", "Good progress; support stepped down to the school's pastoral team, "
     "with a review in half a term."),
    ("stepped_up", "Needs beyond early help: stepped up to children's social care, who "
     "now lead; the school stays on the team."),
    ("moved_away", "The family moved out of the area; records passed to the new school "
     "and the local early help team with consent."),
]  # fmt: skip
