"""Elections: what the count costs, and how long a ballot of 2,000 voters takes from its close
to its results.

(a) The count alone: 20,000 ranked ballots of 30 candidates (rankings of random length 1-30,
more popular candidates ranked more often, women less popular so that the minimum bites),
grouped and read as the elections service reads a closed poll's ballot set, counted for 12
seats by `meek_stv` with at least 6 women; beside it in the same run the same ballots with
the minimum off, one seat by instant runoff, and a `Counter` of first preferences.

(b) The app: the AWL conference in session with 2,000 members checked in (an SQLite file),
an election to its National Committee, 10 candidates who nominated themselves and consented,
a secret ranked ballot that every member casts through `polls.cast`, then the chair's
`polls.close_poll`: the envelopes opened, the ballot set written, the election's count and
the offices taken up. The baseline in the same run and process: a secret yes/no poll of the
same 2,000 members at the same meeting, cast and closed the same way.

Every figure is bounded: a fixed number of ballots and voters (BENCH_ELECTION_VOTERS to change
the second), each timed once (the count best of 3); nothing is sent off this machine.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from tests.bench import floor
from voting.rules import rankings
from voting.rules.rankings import BallotForm
from voting.rules.stv import Candidate, Minimum, RankedBallot, instant_runoff, meek_stv

SEED = 20270301
BALLOTS = 20_000
CANDIDATES = 30
SEATS = 12
WOMEN_NEEDED = 6
VOTERS = int(os.environ.get("BENCH_ELECTION_VOTERS", "2000"))
STANDING = 10
ELECTION_SEATS = 5


def _best_of_3(fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def _ranking(rng: random.Random, weights: list[float]) -> list[int]:
    """Candidates numbered from 1, drawn without replacement by weight, 1 to all of them."""
    left, w = list(range(1, len(weights) + 1)), list(weights)
    ranking = []
    for _ in range(rng.randint(1, len(weights))):
        pick = rng.choices(range(len(left)), w)[0]
        ranking.append(left.pop(pick))
        w.pop(pick)
    return ranking


def _ballot_set(ballots: int, candidates: int) -> tuple[dict[str, int], list[str]]:
    """What a closed ballot keeps: the distinct written rankings and how many of each."""
    rng = random.Random(SEED)
    # Popularity falls off with the number, and women (even numbers) are less popular.
    weights = [1 / (1 + i) * (0.6 if (i + 1) % 2 == 0 else 1.0) for i in range(candidates)]
    written = Counter(">".join(map(str, _ranking(rng, weights))) for _ in range(ballots))
    names = [f"Candidate {i}" for i in range(1, candidates + 1)]
    return dict(written), names


def _read(ballots: dict[str, int], names: list[str]) -> list[RankedBallot]:
    """The ballot set read as `elections.count` reads it."""
    return [
        RankedBallot(rankings.read(BallotForm.RANKED, w, names).candidates, votes)
        for w, votes in ballots.items()
    ]


def _count() -> list[dict[str, Any]]:
    ballots, names = _ballot_set(BALLOTS, CANDIDATES)
    women = frozenset({"woman"})
    candidates = [
        Candidate(i, name, women if i % 2 == 0 else frozenset()) for i, name in enumerate(names, 1)
    ]
    ranked = _read(ballots, names)
    minimum = [Minimum("woman", WOMEN_NEEDED)]
    free = meek_stv(ranked, candidates, SEATS)
    held = meek_stv(ranked, candidates, SEATS, minimums=minimum)
    women_in = [sum(c % 2 == 0 for c in r.elected) for r in (free, held)]
    shape = f"{len(ballots)} distinct rankings"
    return [
        {
            "name": "baseline: Counter of 20,000 first preferences",
            "seconds": _best_of_3(lambda: Counter(b.ranking[0] for b in ranked)),
            "n": BALLOTS,
            "note": "a plurality count of the same ballots",
        },
        {
            "name": "read the ballot set as the count does",
            "seconds": _best_of_3(lambda: _read(ballots, names)),
            "n": BALLOTS,
            "note": shape,
        },
        {
            "name": "baseline: instant runoff, 1 seat, 30 candidates",
            "seconds": _best_of_3(lambda: instant_runoff(ranked, candidates)),
            "n": BALLOTS,
            "note": shape,
        },
        {
            "name": "baseline: Meek STV, 12 seats of 30, no minimum",
            "seconds": _best_of_3(lambda: meek_stv(ranked, candidates, SEATS)),
            "n": BALLOTS,
            "note": f"{len(free.rounds)} rounds, {women_in[0]} women elected",
        },
        {
            "name": "Meek STV, 12 seats of 30, at least 6 women",
            "seconds": _best_of_3(lambda: meek_stv(ranked, candidates, SEATS, minimums=minimum)),
            "n": BALLOTS,
            "note": f"{len(held.rounds)} rounds, {women_in[1]} women elected",
        },
    ]


def _cast_and_close(chair: Any, poll: Any, voters: list[Any], choices: list[str]) -> list[float]:
    """Every voter casts once (a commit each), then the chair closes: the two times."""
    from voting.ballots.services import polls

    started = time.perf_counter()
    for voter, choice in zip(voters, choices, strict=True):
        polls.cast(voter, poll, choice=choice)
    casting = time.perf_counter() - started
    started = time.perf_counter()
    polls.close_poll(chair, poll)
    return [casting, time.perf_counter() - started]


def _close_to_results() -> list[dict[str, Any]]:
    from sqlalchemy import select

    from voting.app import create_app
    from voting.ballots.models import PollMode
    from voting.ballots.services import polls
    from voting.core.columns import utcnow
    from voting.core.extensions import db
    from voting.elections.models import Election, ElectionStatus, Position
    from voting.elections.services import elections, nominations
    from voting.meetings.models import Meeting
    from voting.meetings.services import floor as floor_services
    from voting.membership.models import Person

    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite3"
        ready = floor.prepare(database, 5998, VOTERS)
        app = create_app(floor.config(database, 5998))
        with app.app_context():
            meeting = db.session.get(Meeting, ready["meeting"])
            chair = db.session.scalar(select(Person).where(Person.email == floor.CHAIR))
            voters = db.session.scalars(
                select(Person).where(Person.id.in_(ready["people"])).order_by(Person.id)
            ).all()
            polls.annul_poll(chair, polls.get_poll(ready["poll"]), "Prepared for another run")
            rng = random.Random(SEED)

            motion = next(m for i in meeting.items for m in i.motions)
            plain = floor_services.create_poll(chair, meeting, motion=motion, mode=PollMode.SECRET)
            polls.open_poll(chair, plain, confirm_privacy=True)
            yes_no = [rng.choice(("yes", "yes", "no", "abstain")) for _ in voters]
            plain_cast, plain_close = _cast_and_close(chair, plain, voters, yes_no)
            plain_outcome = plain.result["outcome"]

            position = db.session.scalar(
                select(Position).where(
                    Position.organisation_id == meeting.body.organisation_id,
                    Position.slug == "national-committee",
                )
            )
            closes = utcnow() + timedelta(seconds=10)  # nominations take well under that
            election = elections.create_election(
                chair,
                position,
                nominations_close_at=closes,
                occasion_id=meeting.id,
                seats=ELECTION_SEATS,
            )
            for candidate in voters[:STANDING]:
                nominations.consent(candidate, nominations.nominate(candidate, election, candidate))
            time.sleep(max(0.0, (closes - utcnow()).total_seconds()) + 0.05)
            poll = elections.prepare_ballot(chair, election)
            polls.open_poll(chair, poll, confirm_privacy=True)
            weights = [1 / (1 + i) for i in range(len(poll.choices))]
            ranked = [">".join(map(str, _ranking(rng, weights))) for _ in voters]
            ranked_cast, ranked_close = _cast_and_close(chair, poll, voters, ranked)
            decided = db.session.get(Election, election.id)
            elected = len(decided.result["elected"])
            rounds = len(decided.result["rounds"])
            distinct = len(poll.result["ballots"])
            assert decided.status is ElectionStatus.DECIDED, "the count did not run on close"
            time.sleep(0.5)  # the last coalesced push, before the file goes
            db.session.remove()
            db.engine.dispose()
    secret = f"secret, {VOTERS} voters"
    return [
        {
            "name": "baseline: yes/no poll, cast one at a time",
            "seconds": plain_cast,
            "n": VOTERS,
            "note": f"{secret}, a commit each",
        },
        {
            "name": "baseline: yes/no poll, close to result",
            "seconds": plain_close,
            "n": VOTERS,
            "note": f"{secret}; {plain_outcome}",
        },
        {
            "name": "election: ranked ballot, cast one at a time",
            "seconds": ranked_cast,
            "n": VOTERS,
            "note": f"{secret}, {STANDING} candidates, a commit each",
        },
        {
            "name": "election: close to results (envelopes, count, offices)",
            "seconds": ranked_close,
            "n": VOTERS,
            "note": (
                f"{secret}; {ELECTION_SEATS} seats of {STANDING}, {distinct} distinct "
                f"rankings, {rounds} rounds, {elected} elected"
            ),
        },
    ]


def run() -> list[dict[str, Any]]:
    return _count() + _close_to_results()
