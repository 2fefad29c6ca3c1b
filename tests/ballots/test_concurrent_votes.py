"""A thousand votes at once: many threads, each with its own session, several for the same
voter (the same choice resent, or a different one). Exactly one vote counts per voter.
"""

from __future__ import annotations

import random
import threading
from collections import Counter

from flask import Flask
from sqlalchemy import func, select

from tests.fixtures.floor import AWL_CHAIR, open_poll
from tests.fixtures.people import person
from voting.ballots.models import Participation, Vote
from voting.ballots.services import polls
from voting.core.errors import Conflict
from voting.core.extensions import db
from voting.meetings.models import CheckIn, CheckInVia
from voting.membership.models import Membership, Person

VOTERS = 250
ATTEMPTS_PER_VOTER = 4
THREADS = 25


def test_a_thousand_concurrent_votes_count_exactly_once_per_voter(live: Flask, awl) -> None:
    live.config["LIVE_COALESCE_SECONDS"] = 0.05
    org = awl.body.organisation
    people = [Person(email=f"member{n}@awl.example", name=f"Member {n}") for n in range(VOTERS)]
    db.session.add_all(people)
    db.session.add_all(Membership(person=p, organisation=org) for p in people)
    db.session.flush()
    db.session.add_all(CheckIn(meeting=awl, person_id=p.id, via=CheckInVia.LINK) for p in people)
    db.session.commit()
    poll = open_poll(awl, AWL_CHAIR)
    poll_id = poll.id
    ids = [p.id for p in people]

    # Each voter sends 4 times: twice the same choice, then maybe a different one.
    attempts = []
    for n, person_id in enumerate(ids):
        first = ("yes", "no", "abstain")[n % 3]
        other = "no" if first == "yes" else "yes"
        attempts += [(person_id, first), (person_id, first), (person_id, first), (person_id, other)]
    random.Random(7).shuffle(attempts)
    assert len(attempts) == VOTERS * ATTEMPTS_PER_VOTER == 1000

    outcomes: Counter[str] = Counter()
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(chunk: list[tuple[int, str]]) -> None:
        with live.app_context():
            for person_id, choice in chunk:
                try:
                    voter = db.session.get(Person, person_id)
                    receipt = polls.cast(voter, polls.get_poll(poll_id), choice=choice)
                    kind = "already" if receipt.already else "recorded"
                except Conflict:
                    kind = "refused"
                except BaseException as error:
                    with lock:
                        errors.append(error)
                    continue
                finally:
                    db.session.rollback()
                with lock:
                    outcomes[kind] += 1
            db.session.remove()

    threads = [
        threading.Thread(target=worker, args=(attempts[i::THREADS],)) for i in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert outcomes["recorded"] == VOTERS
    assert sum(outcomes.values()) == 1000
    db.session.rollback()  # end the read snapshot taken before the threads wrote
    per_voter = Counter(
        db.session.scalars(select(Participation.cast_by_id).where(Participation.poll_id == poll_id))
    )
    assert len(per_voter) == VOTERS and set(per_voter.values()) == {1}
    assert db.session.scalar(select(func.count()).select_from(Vote)) == VOTERS
    # The vote that counts is the first one recorded; its resends were acknowledged as such.
    polls.close_poll(person(AWL_CHAIR), polls.get_poll(poll_id))
    assert sum(polls.get_poll(poll_id).result["totals"].values()) == VOTERS
