"""A consultation of a very large body: 100,000 members on the roll (a body of WRI's with
every member an officer of it), four in five of them answering over the window, then the
close. Measured: reading the roll at the opening, one answer through the service, the
close (the rules core's count and the audit entry), beside a baseline in the same run —
`Counter` over the same answers in memory.

The members and their answers are written in bulk as the setup (answering 80,000 times
through the service would measure the setup, not the count); the per-answer cost is
measured separately on 200 answers through the service.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

MEMBERS = int(os.environ.get("BENCH_CONSULTATION_MEMBERS", "100000"))
ANSWERED = 0.8
THROUGH_SERVICE = 200


def large_executive(members: int, locales: tuple[str | None, ...] = (None,)) -> Any:
    """WRI's Executive with `members` more members, every one an officer of it, written in
    bulk (call inside an app context on a fresh database); the body."""
    from sqlalchemy import insert, select

    from voting.core.extensions import db
    from voting.demo import load_demo
    from voting.membership.models import Membership, MemberStatus, Person, Role, RoleKind
    from voting.org.models import Body
    from voting.org.services.organisations import by_slug

    db.create_all()
    load_demo()
    wri = by_slug("wri")
    executive = db.session.scalar(
        select(Body).where(Body.organisation_id == wri.id, Body.slug == "executive")
    )
    first = (db.session.scalar(select(Person.id).order_by(Person.id.desc())) or 0) + 1
    ids = range(first, first + members)
    db.session.execute(
        insert(Person),
        [
            {
                "id": i,
                "email": f"m{i}@wri.example",
                "name": f"Member {i}",
                "locale": locales[i % len(locales)],
            }
            for i in ids
        ],
    )
    db.session.execute(
        insert(Membership),
        [{"person_id": i, "organisation_id": wri.id, "status": MemberStatus.FULL} for i in ids],
    )
    db.session.execute(
        insert(Role),
        [
            {
                "person_id": i,
                "organisation_id": wri.id,
                "kind": RoleKind.OFFICER,
                "body_id": executive.id,
            }
            for i in ids
        ],
    )
    db.session.commit()
    return executive


def run() -> list[dict[str, Any]]:
    from sqlalchemy import select

    from voting.app import create_app
    from voting.core.extensions import db
    from voting.membership.models import Person

    figures = []
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite3"
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                "TESTING": True,
                "SECRET_KEY": "bench",
            }
        )
        with app.app_context():
            executive = large_executive(MEMBERS)
            ana = db.session.scalar(select(Person).where(Person.email == "ana@wri.example"))
            figures += _consultation(ana, executive, everyone=True)
            figures += _consultation(ana, executive, everyone=False)
    return figures


def _consultation(ana: Any, executive: Any, *, everyone: bool) -> list[dict[str, Any]]:
    """One consultation of the whole roll: all answer (consensus: the close only counts),
    or four in five (no consensus: the close also opens the fallback vote of the roll)."""
    from sqlalchemy import insert, select

    from voting.consultations.models import Answer, Consultation, Participant
    from voting.consultations.services import consultations as service
    from voting.core.columns import utcnow
    from voting.core.extensions import db
    from voting.membership.models import Person
    from voting.rules.consensus import Response

    case = "everyone answers" if everyone else "4 in 5 answer"
    figures = []
    started = time.perf_counter()
    consultation = service.create_consultation(
        ana,
        executive,
        {
            "title": "Bench",
            "proposal": "Agree?",
            "vote_mode": "open",
            "closes_at": (utcnow() + timedelta(days=7)).isoformat(),
        },
    )
    opened = time.perf_counter() - started
    roll = service.roll_size(consultation)
    figures.append(
        {"name": f"{case}: open, reading the roll", "seconds": opened, "n": roll, "note": ""}
    )
    rows = list(
        db.session.execute(
            select(Participant.id, Participant.person_id).where(
                Participant.consultation_id == consultation.id
            )
        )
    )
    rng = random.Random(7)
    rng.shuffle(rows)
    answering = rows if everyone else rows[: int(len(rows) * ANSWERED)]
    bulk, by_service = answering[THROUGH_SERVICE:], answering[:THROUGH_SERVICE]
    weights = [Response.AGREE] * 90 + [Response.RESERVATIONS] * 7 + [Response.STAND_ASIDE] * 3
    db.session.execute(
        insert(Answer),
        [
            {
                "participant_id": pid,
                "consultation_id": consultation.id,
                "response": rng.choice(weights),
                "reason": "",
                "by_id": person_id,
            }
            for pid, person_id in bulk
        ],
    )
    db.session.commit()
    people = {
        p.id: p
        for p in db.session.scalars(
            select(Person).where(Person.id.in_([pid for _x, pid in by_service]))
        )
    }
    started = time.perf_counter()
    for _pid, person_id in by_service:
        service.answer(people[person_id], consultation, "agree")
    answered = time.perf_counter() - started
    figures.append(
        {
            "name": f"{case}: an answer through the service (a commit each)",
            "seconds": answered,
            "n": THROUGH_SERVICE,
            "note": f"roll of {roll}",
        }
    )
    responses = [
        r
        for (r,) in db.session.execute(
            select(Answer.response).where(Answer.consultation_id == consultation.id)
        )
    ]
    started = time.perf_counter()
    Counter(responses)
    baseline = time.perf_counter() - started
    figures.append(
        {
            "name": f"baseline ({case}): Counter of the answers in memory",
            "seconds": baseline,
            "n": len(responses),
            "note": "",
        }
    )
    db.session.expire_all()
    started = time.perf_counter()
    service.close(ana, db.session.get(Consultation, consultation.id))
    closing = time.perf_counter() - started
    closed = db.session.get(Consultation, consultation.id)
    vote = " and the fallback vote opened" if closed.poll_id else ""
    figures.append(
        {
            "name": f"{case}: close and count{vote}",
            "seconds": closing,
            "n": len(responses),
            "note": f"outcome {closed.outcome.value}, roll {roll}",
        }
    )
    return figures
