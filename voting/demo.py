"""Demo organisations: the four presets with units, members and roles to try things with.

The figures follow the worked examples of the rules (WRI sections X and Y, associates
P and Q; WSM Galway with 9 at its last meeting, Limerick with 5).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from voting.core import audit
from voting.core.database import transaction
from voting.core.extensions import db
from voting.meetings.models import CardAssignment, Meeting
from voting.membership.models import Membership, MemberStatus, Person, Role, RoleKind
from voting.membership.services.passwords import hash_password
from voting.org.models import AttendanceRecord, Organisation, Unit, UnitKind
from voting.org.services.organisations import create_from_preset

DEMO_PASSWORD = "demo-password"  # printed on the console by `make run`; demo data only


@dataclass(frozen=True)
class DemoLogin:
    organisation: str
    email: str
    name: str
    roles: tuple[str, ...]


# (preset, units (kind, name, size), people (name, unit index or None, status, roles))
DEMO: dict[str, tuple[list[tuple[str, str, int]], list[tuple[str, int | None, str, tuple]]]] = {
    "wri": (
        [
            ("section", "Section X", 2500),
            ("section", "Section Y", 800),
            ("associate", "Associate P", 40),
            ("associate", "Associate Q", 25),
        ],
        [
            ("Ana Admin", None, "full", ("admin", "secretary")),
            ("Chris Chair", None, "individual", ("chair",)),
            ("Xavier Rep", 0, "full", ()),
            ("Xenia Rep", 0, "full", ()),
            ("Yusuf Rep", 1, "full", ()),
            ("Pia Rep", 2, "full", ()),
            ("Quinn Rep", 3, "full", ()),
            ("Ines Individual", None, "individual", ()),
        ],
    ),
    "wsm": (
        [("branch", "Galway", 14), ("branch", "Limerick", 6), ("branch", "Dublin", 30)],
        [
            ("Sam Secretary", 2, "full", ("admin", "secretary", "chair")),
            ("Gal Delegate", 0, "full", ("delegate",)),
            ("Gwen Delegate", 0, "full", ("delegate",)),
            ("Lee Delegate", 1, "full", ("delegate",)),
            ("Dara Delegate", 2, "full", ("delegate",)),
            ("Tom Treasurer", 2, "full", ("officer",)),
            ("Mo Member", 2, "full", ()),
            ("Lapsed Larry", 1, "lapsed", ()),
        ],
    ),
    "isn": (
        [
            ("branch", "Dublin North", 20),
            ("branch", "Cork", 12),
            ("caucus", "Women's caucus", 9),
            ("fraction", "Union fraction", 7),
        ],
        [
            ("Nia Organiser", 0, "full", ("admin", "secretary", "chair")),
            ("Aoife Member", 0, "full", ()),
            ("Brian Member", 1, "full", ()),
            ("Ciara Member", 1, "full", ()),
            ("Dev Member", 0, "full", ()),
        ],
    ),
    "awl": (
        [("branch", "London", 40), ("branch", "Sheffield", 15), ("fraction", "Education", 10)],
        [
            ("Ola Office", 0, "full", ("admin", "secretary", "chair")),
            ("Fay Full", 0, "full", ()),
            ("Cal Candidate", 1, "candidate", ()),
            ("Wes Withdrawn", 1, "withdrawn", ()),
            ("Pat Proxy", 1, "full", ()),
        ],
    ),
}

# WRI voting cards at the demo conference: (unit, representative). Xenia of Section X
# holds none, so the secretary can try handing her some.
CARD_HOLDERS = [
    ("Section X", "Xavier Rep"),
    ("Section Y", "Yusuf Rep"),
    ("Associate P", "Pia Rep"),
    ("Associate Q", "Quinn Rep"),
]

# WSM branch attendance: (unit index, days before today, present).
ATTENDANCE = [(0, 20, 9), (0, 34, 11), (1, 18, 5), (2, 21, 17)]


def _email(name: str, slug: str) -> str:
    return f"{name.split()[0].lower()}@{slug}.example"


def load_demo(operator_email: str = "operator@example.org") -> list[DemoLogin]:
    """Create the demo organisations (once; a second run changes nothing) and their logins."""
    logins: list[DemoLogin] = [DemoLogin("*", operator_email, "Operator", ("operator",))]
    password_hash = hash_password(DEMO_PASSWORD)
    if db.session.scalar(select(Person.id).where(Person.email == operator_email)) is None:
        with transaction():
            db.session.add(
                Person(
                    email=operator_email,
                    name="Operator",
                    password_hash=password_hash,
                    is_operator=True,
                )
            )
            audit.record(
                "person.operator_created", actor=None, organisation_id=None, email=operator_email
            )
    for key, (units, people) in DEMO.items():
        existing = db.session.scalars(select(Organisation).where(Organisation.slug == key)).first()
        if existing is None:
            org = create_from_preset(None, key)
            _populate(org, units, people, password_hash)
        logins += [
            DemoLogin(key, _email(name, key), name, roles or (status,))
            for name, _unit, status, roles in people
        ]
    from voting.meetings.services.simulation import load_demo_meeting

    announcing = current_app.config.get("ANNOUNCE_MEETINGS", True)
    current_app.config["ANNOUNCE_MEETINGS"] = False  # nobody to mail: demo addresses
    try:
        meeting = load_demo_meeting()  # a WRI conference meeting in session, to try alone
    finally:
        current_app.config["ANNOUNCE_MEETINGS"] = announcing
    if meeting is not None:
        _hand_out_cards(meeting)
    return logins


def _hand_out_cards(meeting: Meeting) -> None:
    """Each WRI unit's voting cards to its representative, for the demo meeting (once)."""
    org = meeting.body.organisation
    units = {u.name: u for u in org.units}
    given = set(
        db.session.scalars(
            select(CardAssignment.person_id).where(CardAssignment.meeting_id == meeting.id)
        )
    )
    with transaction():
        for unit_name, name in CARD_HOLDERS:
            person = db.session.scalar(select(Person).where(Person.email == _email(name, org.slug)))
            if person is None or person.id in given or unit_name not in units:
                continue
            db.session.add(CardAssignment(unit=units[unit_name], person=person, meeting=meeting))
            audit.record(
                "cards.assigned",
                actor=None,
                organisation_id=org.id,
                unit=units[unit_name].id,
                person=person.id,
                cards=None,
                meeting=meeting.id,
            )


def _populate(
    org: Organisation,
    units: list[tuple[str, str, int]],
    people: list[tuple[str, int | None, str, tuple]],
    password_hash: str,
) -> None:
    today = date.today()
    with transaction():
        made = [Unit(organisation=org, kind=UnitKind(k), name=n, size=s) for k, n, s in units]
        db.session.add_all(made)
        if org.preset == "wsm":
            for index, days, present in ATTENDANCE:
                made[index].attendance.append(
                    AttendanceRecord(held_on=today - timedelta(days=days), present=present)
                )
        for name, unit_index, status, roles in people:
            person = Person(email=_email(name, org.slug), name=name, password_hash=password_hash)
            db.session.add(person)
            unit = made[unit_index] if unit_index is not None else None
            db.session.add(
                Membership(
                    person=person,
                    organisation=org,
                    unit=unit,
                    status=MemberStatus(status),
                    joined_on=today - timedelta(days=400),
                )
            )
            for role in roles:
                db.session.add(
                    Role(
                        person=person,
                        organisation_id=org.id,
                        kind=RoleKind(role),
                        unit=unit if role == "delegate" else None,
                        starts_on=today - timedelta(days=30) if role == "delegate" else None,
                        ends_on=today + timedelta(days=150) if role == "delegate" else None,
                    )
                )
        db.session.flush()
        audit.record(
            "demo.loaded", actor=None, organisation_id=org.id, units=len(units), people=len(people)
        )
