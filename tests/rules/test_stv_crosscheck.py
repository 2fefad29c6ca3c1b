"""Meek STV checked against counts made elsewhere, not by this code.

* Published elections with their ballots and the candidates a Meek count elects: B.A.
  Wichmann's example of the precision a count needs (Voting matters, issue 12, 2000), the
  Green Party of the United States' steering committee election of 24 July 2005, and
  Wichmann's election M135 from "The validation of the STV programs for ERBS" (1999). The
  last two are as distributed with Droop, Jonathan Lundell's STV counter
  (github.com/jklundell/droop, test/blt/), whose reference reports (test/ref/report/) give
  the Meek counts compared here.
* Seeded random elections (4 to 12 candidates, 2 to 5 seats, 200 to 600 ballots, many
  ranking only some candidates), written as BLT by `rankings.blt` and counted by Droop
  v0.14 with the settings nearest Algorithm 123's (`rule=meek arithmetic=fixed
  precision=9 omega=5 defeat_batch=none`: 9 decimal places, iteration until the surplus
  is below 10^-5, one exclusion at a time; Droop rounds a ballot's transfers slightly
  differently). Each also agreed with Droop's 18-digit guarded arithmetic and with the PR
  Foundation's reference rule (`rule=meek-prf`). Droop's elected sets are recorded below
  with a digest of the BLT it read, so a change in the generator shows as changed
  ballots, not as a wrong count. Elections in which either count broke a tie (by lot, by
  an earlier round or Droop's "effectively tied") are left out: tie rules differ between
  implementations by design.

No package on the index counts Meek STV from BLT and installs lightly (Droop is not
published there), so the independent counts are recorded rather than run in the suite.
"""

from __future__ import annotations

import hashlib
import random
import shlex
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

import pytest

from voting.rules import rankings
from voting.rules.rankings import BallotForm
from voting.rules.stv import Candidate, RankedBallot, StvResult, meek_stv


@dataclass(frozen=True)
class Blt:
    """A ballot file: candidates' names, seats, and the written rankings with their counts."""

    names: list[str]
    seats: int
    ballots: dict[str, int]
    title: str


def read_blt(text: str) -> Blt:
    """Read the BLT format as OpenSTV and Droop write it (no withdrawn candidates, no
    equal rankings): "candidates seats", ballot lines "count c1 c2 ... 0", "0", the names
    and the title in quotes; what follows the title is commentary."""
    lines = [line for line in text.splitlines() if line.strip()]
    candidates, seats = map(int, lines[0].split())
    ballots: Counter[str] = Counter()
    i = 1
    while lines[i].split() != ["0"]:
        count, *ranking, end = map(int, lines[i].split())
        assert end == 0, f"a ballot line ends with 0: {lines[i]!r}"
        ballots[">".join(map(str, ranking))] += count
        i += 1
    names = [shlex.split(line)[0] for line in lines[i + 1 : i + 1 + candidates]]
    return Blt(names, seats, dict(ballots), shlex.split(lines[i + 1 + candidates])[0])


def count(blt: Blt) -> StvResult:
    """Count as the elections service counts a closed ballot: each written ranking read,
    candidates numbered from 1 in ballot order."""
    candidates = [Candidate(i, name) for i, name in enumerate(blt.names, 1)]
    ranked = [
        RankedBallot(rankings.read(BallotForm.RANKED, written, blt.names).candidates, votes)
        for written, votes in blt.ballots.items()
    ]
    return meek_stv([b for b in ranked if b.ranking], candidates, blt.seats)


def names_of(blt: Blt, ids: tuple[object, ...]) -> list[str]:
    return [blt.names[i - 1] for i in ids]  # type: ignore[operator]


def ties_broken(result: StvResult) -> bool:
    return any(m.key == "stv.excluded_tie" for r in result.rounds for m in r.events)


# --- Wichmann: the precision a Meek count needs ------------------------------------------

# B.A. Wichmann, "The computational accuracy using the Meek algorithm", Voting matters 12
# (November 2000): 3 seats; A and B are elected at once with a quarter of a vote to pass
# on, so ABX gives X about 1/16,000,000 of a vote. Z, with nothing from the last three
# kinds of ballot, must be excluded, and then X (1 ABX + 2 BAX) beats Y (1 ABY) by
# fractions of a vote that a count with too little precision loses. With exact arithmetic
# (Droop, rule meek, rational) A, B and X are elected.
WICHMANN_NAMES = ["A", "B", "X", "Y", "Z"]
WICHMANN = {
    "AX": 333,
    "AY": 333,
    "AZ": 333,
    "BX": 333,
    "BY": 333,
    "BZ": 333,
    "X": 667,
    "Y": 667,
    "Z": 667,
    "ABX": 1,
    "ABY": 1,
    "BAX": 2,
}
# The same ballots as Droop distributes them (test/blt/SC-Vm-12.blt), lines in its order.
WICHMANN_BLT_BALLOTS = """\
333 1 3 0
333 1 4 0
333 1 5 0
333 2 3 0
333 2 4 0
333 2 5 0
667 3 0
667 4 0
667 5 0
1 1 2 3 0
1 1 2 4 0
2 2 1 3 0
"""


def wichmann() -> Blt:
    number = {name: str(i) for i, name in enumerate(WICHMANN_NAMES, 1)}
    ballots = {">".join(number[c] for c in kind): n for kind, n in WICHMANN.items()}
    return Blt(WICHMANN_NAMES, 3, ballots, "Voting matters 12")


def test_wichmann_example_written_as_blt_is_the_file_droop_reads():
    blt = wichmann()
    text = rankings.blt(blt.ballots, blt.names, blt.seats, blt.title)
    lines = text.splitlines()
    assert lines[0] == "5 3"
    assert "\n".join(lines[1:13]) + "\n" == WICHMANN_BLT_BALLOTS
    assert lines[13] == "0"
    assert read_blt(text) == blt


def test_wichmann_example_excludes_z_and_elects_x_as_an_exact_count_does():
    blt = wichmann()
    result = count(blt)
    assert names_of(blt, result.elected) == ["A", "B", "X"]
    first, second, third = result.rounds[:3]
    assert names_of(blt, first.elected) == ["A", "B"]
    assert names_of(blt, second.excluded) == ["Z"]
    assert names_of(blt, third.elected) == ["X"]
    # Droop's exact count (test/ref/report/SC-Vm-12-meek-o10-rational-d12.txt), round 3:
    # X 800.638465678227, Y 800.558083370054; a lead of 0.08 of a vote in 4,003.
    assert abs(third.votes[3] - Fraction("800.638465678227")) < Fraction(1, 10**6)
    assert abs(third.votes[4] - Fraction("800.558083370054")) < Fraction(1, 10**6)
    assert not ties_broken(result)


# --- Green Party of the United States, steering committee, 24 July 2005 ----------------


def test_gpus_steering_committee_2005_elects_whom_droops_meek_counts_elect():
    """13 candidates (two write-ins), 4 seats, 94 ballots. Droop's reference Meek reports
    (rational, 18-digit guarded, and the PR Foundation rule) all elect Pat LaMarche,
    Rebecca Rotzler, Kristen Olsen and Steve Kramer."""
    blt = read_blt(GPUS_2005_BLT)
    assert blt.title == "GPUS Steering Committee Election 2005-07-24"
    assert sum(blt.ballots.values()) == 94
    result = count(blt)
    assert set(names_of(blt, result.elected)) == {
        "Pat LaMarche",
        "Rebecca Rotzler",
        "Kristen Olsen",
        "Steve Kramer",
    }


# --- Wichmann's validation of the ERBS programs: M135 -----------------------------------

# Droop's reference report of M135 by the PR Foundation's Meek rule (9 decimal places),
# test/ref/report/M135-meek-prf-o6-fixed-p9-d9.txt: who is elected and who excluded, in
# order. Its 18-digit guarded report elects the same seven in the same order.
M135_ELECTED = ["C1", "C2", "C6", "C3", "C4", "C9", "C10"]
M135_EXCLUDED = [
    "C25",
    "C22",
    "C24",
    "C21",
    "C19",
    "C23",
    "C17",
    "C14",
    "C20",
    "C18",
    "C13",
    "C16",
    "C8",
    "C12",
    "C7",
    "C5",
    "C15",
]


def test_m135_elects_and_excludes_in_the_order_of_droops_reference_count():
    """25 candidates, 7 seats, 677 ballots of every length (and 2 blank ones): C1 elected
    on first preferences, then seventeen exclusions with six more elected among them."""
    blt = read_blt(M135_BLT)
    assert (len(blt.names), blt.seats, sum(blt.ballots.values())) == (25, 7, 679)
    assert blt.ballots[""] == 2
    result = count(blt)
    assert names_of(blt, result.elected) == M135_ELECTED
    excluded = [n for r in result.rounds for n in names_of(blt, r.excluded)]
    assert excluded[: len(M135_EXCLUDED)] == M135_EXCLUDED
    assert excluded[len(M135_EXCLUDED) :] == ["C11"]  # left when the seats were filled
    assert not ties_broken(result)


# --- Seeded random elections counted by Droop -------------------------------------------


def random_election(seed: int) -> Blt:
    """An election of 4 to 12 candidates and 2 to 5 seats; each of 200 to 600 voters ranks
    1 to all candidates, drawn by a popularity of the candidate's own."""
    rng = random.Random(seed)
    n = rng.randint(4, 12)
    seats = rng.randint(2, min(5, n - 1))
    papers = rng.randint(200, 600)
    popularity = [rng.random() ** 2 + 0.05 for _ in range(n)]
    ballots: Counter[str] = Counter()
    for _ in range(papers):
        left, weights, ranking = list(range(1, n + 1)), list(popularity), []
        for _ in range(rng.randint(1, n)):
            pick = rng.choices(range(len(left)), weights)[0]
            ranking.append(left.pop(pick))
            weights.pop(pick)
        ballots[">".join(map(str, ranking))] += 1
    names = [f"Candidate {c}" for c in range(1, n + 1)]
    return Blt(names, seats, dict(sorted(ballots.items())), f"Seeded election {seed}")


# (seed, first 16 hex digits of the BLT's SHA-256, the candidates Droop elected).
DROOP_COUNTS = [
    (
        0,
        "dec2c01541aa470d",
        ("Candidate 2", "Candidate 4", "Candidate 7", "Candidate 8", "Candidate 9"),
    ),
    (1, "15e5d60d26b0db82", ("Candidate 2", "Candidate 3")),
    (2, "f692b655fdf36fae", ("Candidate 3", "Candidate 4")),
    (3, "421f0d89c822e284", ("Candidate 1", "Candidate 4", "Candidate 5")),
    (4, "ff49d79352513702", ("Candidate 1", "Candidate 2", "Candidate 5", "Candidate 7")),
    (5, "1a8e90c4c6103b81", ("Candidate 1", "Candidate 3", "Candidate 6", "Candidate 8")),
    (6, "b443a05544eb10fd", ("Candidate 3", "Candidate 4", "Candidate 5")),
    (7, "ab65c6cfb5e39820", ("Candidate 1", "Candidate 3", "Candidate 6")),
    (8, "aae4ba845554a3f9", ("Candidate 2", "Candidate 4", "Candidate 5", "Candidate 7")),
    (9, "744c275e2d4d6aab", ("Candidate 11", "Candidate 2", "Candidate 5", "Candidate 8")),
    (10, "f3c7a815cad599e7", ("Candidate 1", "Candidate 3", "Candidate 4")),
    (
        11,
        "e347ac171a48291f",
        ("Candidate 10", "Candidate 11", "Candidate 2", "Candidate 5", "Candidate 6"),
    ),
    (12, "c52951d61bdb8582", ("Candidate 11", "Candidate 4", "Candidate 6", "Candidate 8")),
    (13, "cb71c0e3c166c948", ("Candidate 1", "Candidate 2", "Candidate 3", "Candidate 6")),
    (14, "5e79acf218d332c7", ("Candidate 1", "Candidate 2", "Candidate 4", "Candidate 5")),
    (15, "238441c3fc7f3b4d", ("Candidate 3", "Candidate 7")),
    (
        16,
        "a71aaf046d41b845",
        ("Candidate 1", "Candidate 4", "Candidate 5", "Candidate 8", "Candidate 9"),
    ),
    (
        17,
        "ef65087d481adf90",
        ("Candidate 1", "Candidate 3", "Candidate 4", "Candidate 5", "Candidate 9"),
    ),
    (18, "100594792e139765", ("Candidate 3", "Candidate 4")),
    (19, "6e391e27da568bb6", ("Candidate 3", "Candidate 4")),
    (20, "a68a94c0b86a3c73", ("Candidate 1", "Candidate 2", "Candidate 3", "Candidate 4")),
    (
        21,
        "53849bdcfa4c3977",
        ("Candidate 1", "Candidate 3", "Candidate 4", "Candidate 5", "Candidate 6"),
    ),
    (22, "5134c861bd8972bc", ("Candidate 3", "Candidate 5", "Candidate 6")),
    (23, "8aa0a5242a4a9156", ("Candidate 1", "Candidate 8")),
    (24, "9d4355ae9be22840", ("Candidate 1", "Candidate 5", "Candidate 9")),
    (26, "fab526cdcd6f3fcf", ("Candidate 3", "Candidate 4", "Candidate 6")),
    (27, "7b73cca384077055", ("Candidate 11", "Candidate 3", "Candidate 6", "Candidate 8")),
    (28, "9a678a5fbe42caf8", ("Candidate 1", "Candidate 2", "Candidate 4", "Candidate 5")),
    (29, "5d1f3f41ccafc6fe", ("Candidate 4", "Candidate 8")),
    (
        80,
        "cd2c39abfe9f3ffb",
        ("Candidate 1", "Candidate 2", "Candidate 5", "Candidate 7", "Candidate 8"),
    ),
    (
        81,
        "57b0b0d880102511",
        ("Candidate 1", "Candidate 3", "Candidate 6", "Candidate 7", "Candidate 8"),
    ),
    (
        82,
        "644b4912e61b86ee",
        ("Candidate 1", "Candidate 2", "Candidate 3", "Candidate 5", "Candidate 6"),
    ),
    (
        83,
        "d14a77943dfe69bc",
        ("Candidate 10", "Candidate 3", "Candidate 7", "Candidate 8", "Candidate 9"),
    ),
    (84, "8701efe50553f664", ("Candidate 2", "Candidate 7")),
    (85, "3e8f33dcdc95da20", ("Candidate 1", "Candidate 5")),
    (86, "b14aee072ec9d841", ("Candidate 2", "Candidate 3", "Candidate 4")),
    (87, "2cf3e2918bd609d7", ("Candidate 4", "Candidate 5", "Candidate 6")),
    (88, "16f165bfaca54fca", ("Candidate 1", "Candidate 5", "Candidate 8")),
    (89, "7d4322dfaa7c156a", ("Candidate 1", "Candidate 3", "Candidate 4", "Candidate 5")),
    (90, "25ac6376222d1cc6", ("Candidate 6", "Candidate 7")),
    (91, "e58f6a6d58c46b6e", ("Candidate 1", "Candidate 2", "Candidate 4", "Candidate 5")),
    (92, "9cbb8c649f79c207", ("Candidate 1", "Candidate 3", "Candidate 5", "Candidate 7")),
    (93, "14d3c49b0be0d47e", ("Candidate 4", "Candidate 6", "Candidate 7", "Candidate 9")),
    (94, "25547e92614816a5", ("Candidate 1", "Candidate 3", "Candidate 4")),
    (96, "d8e0c24b5e2e3986", ("Candidate 3", "Candidate 4", "Candidate 5", "Candidate 7")),
    (
        97,
        "ec2721aa9601d4b3",
        ("Candidate 1", "Candidate 2", "Candidate 3", "Candidate 5", "Candidate 7"),
    ),
    (98, "8c04b58789e11371", ("Candidate 2", "Candidate 7")),
    (
        99,
        "345e36a6231b06ab",
        ("Candidate 1", "Candidate 5", "Candidate 6", "Candidate 7", "Candidate 9"),
    ),
    (
        100,
        "81667a8ea8a4504b",
        ("Candidate 1", "Candidate 2", "Candidate 3", "Candidate 4", "Candidate 5"),
    ),
    (101, "ef901a334a2794aa", ("Candidate 3", "Candidate 4", "Candidate 5", "Candidate 6")),
    (102, "256351c4409cddf9", ("Candidate 1", "Candidate 2", "Candidate 5", "Candidate 6")),
    (103, "51bccdf9ba4cbde0", ("Candidate 10", "Candidate 5", "Candidate 6")),
    (104, "839f262e9435910b", ("Candidate 1", "Candidate 2")),
    (106, "d34550df6079722d", ("Candidate 1", "Candidate 7")),
    (
        107,
        "00db5449ef9d96c6",
        ("Candidate 1", "Candidate 2", "Candidate 3", "Candidate 4", "Candidate 6"),
    ),
    (108, "18b64cd404da69a9", ("Candidate 1", "Candidate 2")),
    (109, "3d69f44c37c6af03", ("Candidate 1", "Candidate 4", "Candidate 6")),
]


@pytest.mark.parametrize(("seed", "digest", "elected"), DROOP_COUNTS)
def test_seeded_election_elects_whom_droop_elected(seed, digest, elected):
    blt = random_election(seed)
    text = rankings.blt(blt.ballots, blt.names, blt.seats, blt.title)
    assert hashlib.sha256(text.encode()).hexdigest()[:16] == digest, "not the ballots counted"
    assert read_blt(text) == blt
    result = count(blt)
    assert not ties_broken(result)
    assert sorted(names_of(blt, result.elected)) == sorted(elected)


def test_the_recorded_counts_are_varied_elections():
    """The table is not a handful of easy cases: it spans sizes, seats and outcomes."""
    shapes = [random_election(seed) for seed, _digest, _elected in DROOP_COUNTS]
    assert len(shapes) >= 40
    assert {len(b.names) for b in shapes} >= {4, 8, 12}
    assert {b.seats for b in shapes} >= {2, 3, 4, 5}
    truncated = sum(
        votes for b in shapes for w, votes in b.ballots.items() if w.count(">") + 1 < len(b.names)
    )
    assert truncated > sum(sum(b.ballots.values()) for b in shapes) // 2


# --- The ballot files, as published --------------------------------------------------------

# Droop test/blt/SC.blt: the Green Party of the United States' steering committee election,
# 24 July 2005.
GPUS_2005_BLT = """\
13 4
1 7 8 9 11 12 0
1 7 8 9 11 12 0
1 13 7 5 4 2 1 0
1 5 13 2 7 4 1 0
1 13 4 1 2 0
1 4 2 13 1 3 0
1 4 13 2 7 0
1 7 8 12 1 13 9 2 4 11 5 0
1 1 13 3 4 7 5 2 0
1 4 1 13 7 3 5 2 0
1 4 1 13 7 3 5 2 0
1 1 4 13 2 7 5 3 9 8 12 11 0
1 7 1 8 9 13 3 2 4 12 5 11 0
1 7 8 9 11 12 0
1 7 1 8 9 13 3 2 4 12 5 11 0
1 7 8 9 11 12 0
1 7 8 9 11 12 0
1 7 8 9 11 12 0
1 5 1 13 3 2 4 7 0
1 7 8 9 3 12 2 13 5 1 4 0
1 3 13 1 2 0
1 3 13 1 2 0
1 4 7 13 5 0
1 4 5 13 3 2 1 0
1 7 8 9 11 12 0
1 7 9 8 12 11 2 13 0
1 7 8 9 11 12 0
1 7 8 9 11 12 0
1 4 3 13 1 0
1 4 3 13 1 0
1 13 3 4 1 7 2 5 0
1 3 13 4 1 7 2 5 0
1 13 3 4 1 2 5 7 0
1 13 1 4 2 5 3 7 0
1 13 4 3 1 2 5 0
1 3 13 1 4 2 7 5 0
1 4 3 13 8 0
1 4 3 13 1 0
1 1 4 13 7 0
1 1 4 13 7 0
1 7 3 4 13 1 5 0
1 9 11 8 7 0
1 7 8 9 11 12 0
1 13 3 5 2 0
1 4 5 2 3 13 0
1 13 5 2 4 1 3 7 0
1 13 5 2 1 7 3 8 0
1 7 8 9 12 11 0
1 7 8 4 9 12 0
1 13 4 7 2 8 0
1 4 13 2 7 1 8 0
1 7 8 11 9 12 0
1 8 4 7 11 13 9 0
1 7 4 2 13 0
1 13 1 7 4 0
1 4 1 2 13 9 5 0
1 1 4 13 5 3 2 0
1 7 5 4 8 11 2 13 1 3 9 12 0
1 4 8 7 5 13 2 1 3 9 0
1 3 4 7 2 12 13 8 1 5 0
1 7 8 9 11 12 0
1 7 8 11 9 0
1 7 8 11 9 0
1 7 8 9 11 12 0
1 7 8 9 11 12 0
1 7 8 9 11 12 0
1 13 2 4 7 5 1 0
1 7 8 9 11 12 0
1 7 8 9 11 0
1 7 8 9 11 12 0
1 2 7 8 12 13 11 1 5 9 0
1 4 7 8 2 0
1 4 13 5 2 1 3 0
1 13 4 7 3 1 5 8 2 9 0
1 4 3 13 1 7 0
1 13 4 1 3 0
1 4 1 13 3 2 7 8 0
1 2 4 13 5 0
1 2 3 4 1 13 7 0
1 3 1 4 13 0
1 4 3 1 2 11 0
1 3 1 4 13 2 7 0
1 4 1 2 8 3 0
1 4 1 5 13 2 3 0
1 4 1 5 13 2 3 0
1 7 8 9 11 12 0
1 7 8 9 11 12 0
1 13 7 3 2 5 4 1 0
1 13 5 7 2 4 1 0
1 7 8 9 11 12 0
1 1 13 3 7 2 4 5 0
1 13 1 2 7 4 5 3 0
1 13 1 2 7 4 5 3 0
1 3 1 4 2 13 7 9 5 8 0
0
"Budd Dickinson"
"Kirit Mookerjee"
"Tom Sevigny"
"Pat LaMarche"
"Michael Piacsek"
"Write-In 2"
"Rebecca Rotzler"
"Kristen Olsen"
"Jason Jones"
"Write-In 1"
"Steve Greenfield"
"Jimmy Leas"
"Steve Kramer"
"GPUS Steering Committee Election 2005-07-24"
"""

# Droop test/blt/M135.blt, up to its title and source lines (a table of first preferences
# follows them in the file).
M135_BLT = """\
25 7
1 21 17 9 20 6 7 15 5 22 13 8 0
1 1 7 0
1 19 16 15 4 17 7 8 9 20 18 11 12 2 14 22 3 13 1 0
1 20 13 6 18 15 23 0
1 7 22 15 3 4 5 13 20 16 17 11 12 23 9 19 0
1 6 22 0
1 1 2 3 0
1 1 2 12 0
1 1 2 23 17 6 16 10 11 22 5 19 14 4 0
1 8 23 24 12 19 2 11 22 17 18 1 6 0
1 14 6 21 17 18 19 20 4 15 16 2 12 11 7 3 24 9 13 0
1 18 19 24 4 20 16 15 7 13 14 9 0
1 4 22 7 21 11 20 1 18 17 16 6 2 3 14 23 0
1 3 10 14 9 6 13 11 12 20 17 18 7 22 0
1 12 18 0
1 1 21 17 13 5 16 12 11 7 3 18 9 24 14 2 19 10 15 8 0
1 2 6 15 9 7 8 16 10 24 12 23 22 18 3 13 1 4 5 20 17 14 0
1 6 21 2 10 11 12 15 16 24 3 13 18 9 0
1 1 2 13 17 24 7 10 6 3 4 18 19 0
1 2 20 19 0
1 14 13 0
1 5 8 14 9 16 12 2 3 22 18 11 20 4 10 17 0
1 1 0
1 18 20 3 15 17 22 10 0
1 1 18 9 16 14 15 6 17 22 0
1 19 22 24 12 23 0
1 16 19 22 9 0
1 2 13 18 10 7 15 16 8 5 1 12 23 22 9 20 4 11 19 6 17 24 14 0
1 10 14 23 17 5 19 4 16 6 3 13 8 2 12 9 24 21 18 22 0
1 21 10 16 0
1 3 13 11 12 10 14 15 19 0
1 1 20 7 16 17 18 13 14 22 19 8 15 11 21 9 10 2 3 4 0
1 10 2 23 5 4 11 18 12 15 14 9 0
1 11 5 3 1 7 4 15 16 0
1 7 21 10 11 20 13 17 24 19 0
1 1 2 13 23 16 0
1 10 1 19 12 8 21 20 13 23 24 9 6 11 0
1 2 18 24 6 7 8 16 3 0
1 10 14 9 13 8 3 15 17 24 6 0
1 3 4 0
1 1 9 10 4 7 17 0
1 1 2 23 5 24 9 10 13 14 8 22 21 19 15 16 12 6 7 4 0
1 24 17 0
1 1 23 20 10 8 14 13 4 18 11 2 0
1 1 6 3 2 18 10 14 19 11 12 13 0
1 6 7 0
1 6 22 20 5 1 12 13 23 9 24 14 7 3 15 16 11 18 4 2 0
1 15 21 0
1 24 18 7 21 13 23 5 0
1 12 4 1 24 6 9 7 0
1 11 12 15 3 23 21 10 18 9 2 13 5 6 16 17 22 0
1 19 14 0
1 18 24 14 6 22 17 21 4 23 7 8 20 13 5 16 11 0
1 13 19 16 6 12 10 11 14 8 3 9 0
1 5 1 2 6 12 18 23 19 15 3 13 9 24 10 0
1 3 4 23 17 5 22 18 11 2 20 15 21 9 8 19 16 10 0
1 19 14 1 11 17 18 9 10 2 23 5 13 15 0
1 10 18 9 20 4 12 23 15 16 2 14 6 7 11 19 13 3 5 17 22 8 1 24 0
1 3 13 19 10 20 23 9 21 16 6 7 8 17 11 0
1 6 7 8 9 14 22 18 23 5 13 11 12 0
1 6 7 8 4 0
1 7 0
1 2 1 13 17 21 6 7 5 12 14 20 4 8 9 11 16 22 3 23 15 0
1 14 15 16 24 8 20 18 19 13 12 2 23 5 1 10 11 22 4 0
1 15 14 1 16 6 19 18 13 5 7 22 4 3 0
1 1 9 11 19 13 18 22 5 3 8 0
1 11 4 1 2 18 0
1 6 8 9 24 3 23 10 20 18 4 19 11 17 13 21 0
1 4 22 18 10 5 7 1 12 0
1 1 21 6 20 7 3 5 15 24 14 10 11 12 8 9 2 16 17 13 23 22 4 0
1 12 6 0
1 6 14 15 16 21 2 12 13 5 23 10 19 11 17 18 9 20 3 4 8 24 7 0
1 1 9 10 15 23 3 4 20 14 22 13 5 11 12 8 17 16 0
1 21 6 24 0
1 15 0
1 23 5 4 2 12 19 22 0
1 1 2 3 16 13 14 18 23 17 0
1 4 3 13 1 11 0
1 8 17 22 10 21 5 11 14 7 0
1 3 7 15 11 12 6 21 2 0
1 10 11 24 7 16 22 9 6 20 17 1 2 3 23 8 12 0
1 12 8 13 5 18 6 24 16 7 11 0
1 8 9 10 11 4 23 20 17 18 19 13 3 5 1 2 7 0
1 15 0
1 1 9 20 3 2 12 0
1 5 20 11 12 2 9 16 0
1 18 4 20 15 21 14 24 10 23 8 11 22 13 9 16 19 7 0
1 3 10 2 15 21 5 19 7 4 20 12 17 1 9 16 0
1 2 15 1 13 18 19 24 17 5 11 12 4 20 23 3 9 8 6 14 16 7 22 21 0
1 13 9 10 20 16 12 6 3 11 5 2 0
1 12 23 2 20 3 9 10 11 17 18 19 0
1 11 19 2 3 23 6 16 17 4 5 1 20 15 8 14 10 21 9 13 24 7 0
1 13 9 23 8 20 15 6 16 0
1 9 6 7 21 10 13 17 0
1 7 8 23 3 5 10 11 12 14 15 16 24 1 22 2 19 18 20 21 0
1 12 15 3 0
1 5 13 14 0
1 12 19 20 23 10 21 4 5 7 0
1 15 7 4 10 11 22 21 6 17 24 12 0
1 19 13 11 24 2 23 14 0
1 7 20 12 8 2 3 18 4 11 22 6 24 10 16 13 14 23 9 0
1 7 16 6 3 4 17 11 22 9 12 20 18 0
1 16 18 10 1 8 9 12 24 21 20 6 7 15 5 4 2 23 3 11 22 0
1 24 23 8 16 17 22 20 13 19 6 1 2 18 10 11 0
1 20 11 10 6 19 13 21 22 16 0
1 20 8 0
1 5 13 14 8 20 23 3 10 15 17 11 12 6 24 9 0
1 5 1 2 3 21 16 23 10 9 0
1 1 2 7 8 16 13 12 23 15 22 18 17 0
1 16 9 14 2 6 21 5 0
1 12 1 7 8 13 16 10 5 19 18 3 9 6 24 14 0
1 4 0
1 3 23 7 8 16 5 12 0
1 4 8 15 11 9 21 0
1 16 6 1 9 13 17 21 11 12 18 19 0
1 1 12 17 0
1 22 9 16 0
1 1 2 7 6 19 12 14 13 17 21 9 10 11 20 4 18 24 23 16 5 22 15 3 0
1 9 10 6 17 18 11 19 0
1 21 16 0
1 1 10 18 23 12 17 22 3 4 5 15 24 13 11 16 19 21 0
1 9 5 1 13 12 11 15 16 0
1 1 3 23 4 19 0
1 2 3 15 0
1 4 15 0
1 1 5 18 6 4 22 12 2 15 16 7 8 9 10 21 24 13 19 0
1 3 23 19 20 12 15 21 2 6 0
1 3 15 19 0
1 9 12 2 0
1 1 23 5 4 9 10 11 14 17 20 16 12 13 3 6 15 0
1 8 23 15 16 18 21 2 6 3 4 0
1 19 10 6 18 15 21 1 17 22 20 0
1 14 15 4 12 2 8 10 0
1 11 3 4 22 6 12 8 20 23 0
1 11 2 6 21 24 18 19 0
1 13 16 24 6 7 12 11 0
1 4 5 17 20 8 9 10 15 23 16 2 3 6 11 18 1 13 19 24 14 0
1 4 21 18 17 0
1 3 16 12 5 1 9 4 20 7 8 22 2 0
1 4 5 0
1 8 2 6 7 21 24 5 10 19 13 0
1 9 24 1 19 15 10 14 16 23 8 6 3 11 0
1 14 19 17 11 18 1 16 13 15 8 12 3 4 5 0
1 12 19 18 14 10 1 2 15 11 22 20 4 5 17 0
1 11 21 15 16 0
1 7 21 20 19 5 12 14 16 15 0
1 23 0
1 6 9 18 13 14 24 17 4 3 7 19 5 2 11 0
1 13 3 11 17 20 15 8 2 23 21 10 22 7 6 18 4 24 9 14 0
1 21 0
1 8 12 6 18 10 13 14 23 24 7 1 22 4 5 20 16 17 0
1 10 2 5 3 24 8 14 0
1 10 13 6 7 18 20 23 5 2 3 15 12 1 4 8 0
1 8 17 21 10 12 14 9 2 24 13 3 6 16 23 11 20 4 5 18 1 15 0
1 4 1 15 12 6 7 24 18 19 13 16 5 3 20 17 9 14 0
1 1 18 4 10 11 12 6 22 3 15 0
1 1 23 0
1 1 2 14 13 4 8 9 23 21 22 3 5 12 18 19 16 6 7 15 0
1 1 2 6 18 19 17 24 3 4 15 5 7 16 8 9 0
1 4 17 0
1 14 6 12 19 17 20 15 8 0
1 2 0
1 5 9 11 12 15 19 8 2 6 24 18 14 23 7 0
1 11 19 4 22 24 6 23 21 16 0
1 22 19 2 15 7 16 0
1 19 2 3 9 10 11 17 0
1 1 4 5 9 15 17 14 18 23 6 7 13 19 0
1 1 5 22 15 14 20 12 11 16 21 9 10 0
1 12 23 21 2 3 8 20 16 19 15 17 0
1 15 16 8 13 14 24 9 12 0
1 8 2 3 7 23 10 11 19 24 12 20 9 6 17 14 15 0
1 7 15 1 23 19 20 12 2 3 11 24 14 0
1 9 10 23 5 17 21 11 14 6 3 4 7 8 16 12 19 18 20 13 1 2 15 0
1 14 9 20 6 24 17 23 21 15 0
1 17 23 8 9 10 15 14 5 19 1 4 0
1 2 3 15 21 22 12 8 16 10 20 14 5 23 13 18 19 4 1 7 0
1 19 10 5 12 20 8 24 18 7 0
1 4 21 19 8 22 1 9 11 7 0
1 20 10 11 19 14 3 4 0
1 1 19 7 8 9 22 12 6 15 14 23 17 10 21 2 3 11 24 5 13 0
1 1 18 8 9 0
1 10 11 0
1 13 20 21 24 0
1 1 12 2 13 11 17 22 3 15 4 5 21 10 18 9 16 23 8 14 24 6 7 20 19 0
1 17 11 14 8 23 16 21 24 7 13 1 2 22 9 10 19 4 5 15 12 6 0
1 1 22 18 7 8 10 21 6 24 0
1 8 9 2 16 21 23 3 4 13 6 12 0
1 7 22 13 19 15 23 9 17 18 16 12 8 4 5 20 6 24 10 11 14 2 3 21 0
1 10 0
1 6 7 21 13 24 10 14 23 5 11 18 3 4 2 12 0
1 6 7 9 23 13 3 14 15 8 22 18 19 4 2 20 1 21 10 17 11 12 5 0
1 9 6 24 4 14 15 16 18 13 11 20 3 19 22 2 12 5 1 8 0
1 15 1 2 7 6 21 11 20 14 16 13 18 23 5 0
1 1 2 18 22 19 24 21 5 23 11 12 17 9 20 8 16 0
1 15 11 20 23 0
1 5 3 4 0
1 5 19 22 2 20 4 7 15 21 10 9 11 8 6 24 3 0
1 1 7 8 22 21 15 6 24 14 4 5 13 20 19 0
1 13 0
1 15 11 19 24 17 3 22 12 14 6 9 23 13 2 1 4 7 8 10 0
1 14 15 16 13 3 11 9 10 2 0
1 13 11 17 1 19 8 15 4 3 0
1 9 22 18 21 0
1 6 15 23 18 19 4 5 17 1 2 7 8 9 11 14 22 3 21 16 0
1 6 13 16 12 15 11 0
1 20 10 11 0
1 10 20 13 6 18 14 15 12 4 19 22 0
1 14 17 24 15 5 1 20 9 21 6 8 16 0
1 2 0
1 1 20 21 24 11 12 4 14 2 7 15 19 10 6 9 8 16 23 3 22 5 13 0
1 11 12 8 24 9 15 0
1 4 20 12 24 10 21 17 5 16 13 14 18 0
1 1 6 7 8 9 20 23 14 3 17 22 19 12 15 0
1 15 23 3 13 1 6 9 10 21 5 18 16 8 24 0
1 10 15 9 7 8 13 17 20 12 0
1 8 23 9 10 11 14 15 1 22 4 19 2 3 21 0
1 6 18 7 8 12 21 10 20 4 17 15 16 0
1 15 14 22 24 3 4 11 12 13 19 0
1 18 5 23 8 22 15 16 10 1 2 6 17 12 11 20 3 21 4 0
1 1 6 17 9 18 0
1 1 6 7 12 20 4 2 3 8 16 19 13 15 18 9 0
1 24 14 6 21 10 11 19 16 15 20 23 22 0
1 24 20 16 8 2 0
1 19 16 17 9 10 0
1 1 2 0
1 23 16 11 10 24 12 0
1 20 1 2 17 0
1 3 11 17 21 22 1 8 16 0
1 9 0
1 17 18 1 0
1 17 10 11 12 24 0
1 2 0
1 12 21 22 18 1 24 9 8 15 0
1 11 19 2 7 15 5 16 0
1 15 7 20 18 9 23 21 0
1 5 21 4 1 23 9 8 22 10 11 12 0
1 11 22 20 12 4 1 13 14 24 21 10 2 0
1 23 9 10 15 17 18 6 14 7 16 8 2 3 5 19 20 21 13 11 12 1 22 4 0
1 10 3 23 9 12 8 15 16 17 20 11 22 4 1 2 6 13 14 0
1 9 10 11 21 2 13 1 16 0
1 10 6 3 23 4 12 17 1 11 24 18 16 2 7 9 8 22 21 5 19 0
1 18 19 16 4 14 23 17 24 10 11 22 21 0
1 20 12 14 16 19 11 22 15 0
1 1 10 9 6 8 7 0
1 11 0
1 9 11 0
1 1 2 15 14 5 19 13 6 0
1 3 21 5 20 17 16 11 0
1 17 18 5 11 10 22 19 12 0
1 8 0
1 1 23 12 13 2 7 15 3 4 0
1 5 2 6 24 13 21 12 1 22 20 18 19 7 15 17 10 11 9 16 23 14 8 4 3 0
1 9 10 11 2 18 6 7 17 14 13 15 16 1 23 3 4 12 0
1 2 3 21 18 19 13 1 11 24 15 9 12 0
1 16 24 6 3 21 11 12 4 1 2 23 13 18 15 0
1 18 19 23 9 11 0
1 1 23 5 20 10 9 17 3 4 12 21 0
1 4 7 22 15 23 11 16 6 9 2 1 14 20 19 13 5 18 8 24 3 12 0
1 6 20 3 5 7 21 16 24 23 19 22 2 13 14 0
1 3 2 14 6 21 11 12 1 0
1 7 24 16 17 18 3 12 13 19 23 8 22 6 15 0
1 7 4 15 11 24 13 23 3 8 12 1 10 16 17 18 21 2 14 19 0
1 10 12 3 8 23 17 22 5 16 4 19 20 18 9 15 0
1 1 23 10 12 18 8 13 14 20 4 5 24 9 21 3 16 17 0
1 11 22 4 0
1 7 4 2 16 14 11 5 19 15 12 6 3 23 18 1 20 0
1 1 12 3 19 13 18 22 20 16 17 10 15 21 11 7 8 9 0
1 4 11 22 13 3 23 21 24 19 5 1 10 6 20 12 14 15 16 8 7 0
1 1 23 0
1 5 3 7 20 11 16 18 24 14 21 9 6 12 2 13 1 4 19 17 10 0
1 1 4 8 9 2 7 21 24 17 6 3 15 0
1 7 15 11 12 5 17 0
1 1 8 24 18 5 20 17 11 12 15 16 10 0
1 5 2 18 1 4 22 3 19 10 15 14 11 6 24 16 23 13 20 8 9 0
1 11 16 21 17 12 13 18 19 15 0
1 20 4 17 24 21 9 19 10 11 15 3 12 23 0
1 1 13 5 24 11 16 2 12 6 3 0
1 2 3 10 18 16 5 1 8 7 15 22 13 19 23 21 0
1 10 12 6 9 13 23 4 17 0
1 2 0
1 2 3 11 24 14 20 0
1 7 17 10 20 19 13 23 0
1 24 15 10 11 22 21 5 1 6 17 0
1 10 6 16 15 5 19 18 4 12 11 17 3 9 0
1 16 6 13 20 21 17 9 24 10 12 0
1 7 0
1 22 18 10 12 6 7 14 0
1 3 22 10 12 15 16 17 11 20 13 5 1 6 9 24 23 21 4 2 18 19 7 8 0
1 7 16 13 19 21 22 17 18 9 4 12 20 3 24 8 2 5 23 14 0
1 20 17 18 1 22 14 3 13 12 6 7 0
1 6 5 7 8 13 20 23 16 12 14 0
1 10 15 16 13 23 11 20 4 12 6 5 24 9 2 1 22 14 0
1 14 16 19 6 0
1 13 14 6 21 0
1 15 16 11 9 18 3 21 22 6 13 5 12 19 2 14 24 8 7 0
1 10 11 22 17 21 9 0
1 19 14 7 9 4 5 0
1 1 0
1 8 9 6 3 21 17 7 15 0
1 6 11 4 9 10 19 20 7 23 5 16 21 13 14 3 0
1 7 8 5 1 2 3 4 11 21 0
1 23 11 5 15 1 12 17 20 8 7 0
1 21 12 10 19 22 5 13 23 3 17 16 2 14 20 1 6 18 9 24 0
1 16 11 1 12 22 3 8 2 20 21 24 18 23 4 5 6 19 13 14 15 7 0
1 12 6 9 10 13 19 14 15 16 0
1 3 19 20 5 22 10 2 13 4 0
1 20 8 9 11 12 6 13 14 15 16 2 18 22 3 10 0
1 13 17 12 6 19 18 5 1 2 3 23 0
1 11 5 15 23 16 13 20 21 22 3 0
1 12 13 1 6 16 18 5 20 22 7 3 4 2 8 11 14 23 21 24 0
1 5 2 11 16 10 18 21 23 17 20 4 0
1 14 24 16 13 23 10 4 0
1 15 24 6 7 8 20 16 11 5 23 21 10 9 3 12 14 18 17 2 22 0
1 3 4 21 16 11 20 17 18 1 19 14 2 0
1 2 6 23 14 0
1 8 15 1 13 5 3 6 12 23 17 0
1 3 11 10 4 16 24 17 18 0
1 9 16 13 11 17 22 12 0
1 4 8 12 14 15 0
1 1 2 3 18 19 20 5 13 15 14 9 0
1 1 2 7 0
1 20 19 4 7 15 6 11 18 1 2 12 8 16 5 22 17 13 9 23 0
1 1 4 9 14 24 7 5 13 6 20 12 19 8 17 18 23 11 21 16 10 15 0
1 15 21 6 3 9 16 7 1 2 23 0
1 13 5 8 16 15 0
1 6 12 2 8 9 16 24 5 20 1 19 10 11 13 22 3 21 0
1 11 15 21 5 7 8 23 24 17 22 20 18 1 2 10 14 0
1 18 19 6 7 5 24 2 3 23 17 21 0
1 1 6 7 8 22 21 2 12 0
1 1 22 20 10 13 15 8 9 16 2 3 23 12 0
1 12 0
1 8 9 10 6 23 13 15 14 20 1 18 7 12 11 0
1 6 12 17 24 16 9 0
1 1 15 16 9 6 19 17 3 12 0
1 6 3 12 24 18 19 14 15 16 17 23 8 1 13 20 21 2 7 22 9 10 0
1 1 2 11 12 14 10 20 0
1 2 3 23 5 17 16 4 13 14 15 8 0
1 1 2 18 19 22 21 16 8 0
1 1 16 0
1 14 10 11 12 23 17 16 18 19 0
1 7 12 2 19 16 5 13 14 0
1 17 22 2 14 3 19 18 24 11 15 7 8 16 12 0
1 10 20 1 8 24 23 0
1 11 12 3 13 14 17 18 16 6 21 1 24 2 4 5 8 9 23 0
1 11 0
1 1 18 11 7 20 19 0
1 9 14 24 21 13 8 6 16 7 22 18 10 5 1 2 20 3 4 19 0
1 3 13 21 0
1 20 19 5 2 0
1 11 22 14 15 16 8 9 21 4 1 2 12 0
1 3 1 5 8 9 2 17 4 0
1 3 24 12 1 6 13 14 15 23 19 20 22 4 18 2 21 5 7 16 11 0
1 21 10 19 11 0
1 23 15 2 18 14 8 9 10 13 17 4 22 12 6 7 3 5 19 0
1 12 1 7 6 18 15 23 4 11 9 10 13 5 8 24 17 21 2 3 19 0
1 5 4 8 2 12 0
1 14 15 12 4 16 6 24 3 5 18 21 22 11 17 9 2 8 23 0
1 14 16 12 24 9 8 23 3 18 4 0
1 1 2 3 17 21 6 12 11 14 22 4 0
1 22 4 5 13 11 0
1 14 15 21 6 17 20 12 18 19 13 9 0
1 23 3 13 15 2 17 1 9 14 18 16 24 12 0
1 7 15 23 11 24 17 20 3 14 16 8 9 6 12 10 2 18 22 0
1 3 2 24 17 18 23 9 11 12 6 21 0
1 10 11 17 9 20 19 0
1 1 9 23 10 0
1 10 0
1 2 15 21 24 3 7 16 17 18 1 6 0
1 16 17 18 3 23 0
1 7 22 13 11 12 6 17 18 19 0
1 9 0
1 6 19 10 11 5 3 4 24 15 20 12 1 23 2 21 16 0
1 13 0
1 23 7 22 11 24 0
1 12 23 7 2 0
1 18 1 9 14 17 20 21 16 24 15 23 13 3 7 8 5 4 19 2 11 22 0
1 5 7 8 2 11 1 23 24 6 21 9 10 13 3 16 19 17 0
1 1 7 0
1 24 9 15 0
1 12 23 4 13 18 15 16 17 3 8 22 2 1 7 21 20 10 11 0
1 5 23 3 22 18 16 17 13 0
1 1 8 18 19 22 13 24 17 16 0
1 9 22 1 14 24 5 12 3 23 10 15 6 19 13 16 0
1 1 2 5 22 12 18 10 11 21 9 8 14 20 19 0
1 13 3 6 9 23 11 12 19 1 20 22 8 16 15 0
1 22 13 0
1 4 10 1 18 0
1 1 2 6 9 0
1 23 16 22 24 18 19 13 14 15 2 4 5 6 9 8 21 0
1 4 10 11 1 2 6 7 8 15 12 5 13 17 0
1 10 20 23 0
1 7 8 0
1 2 11 12 19 23 8 6 22 16 21 5 24 17 10 1 15 20 9 7 14 3 4 0
1 10 4 11 14 19 2 13 3 21 17 0
1 9 24 3 21 4 8 12 6 16 7 1 10 23 0
1 19 16 21 13 14 15 11 0
1 6 12 24 14 10 2 11 22 5 8 9 16 18 19 21 0
1 16 11 5 2 3 23 19 12 18 7 8 13 14 10 6 17 4 21 0
1 19 20 13 12 0
1 15 11 1 10 0
1 6 21 10 9 12 8 15 7 20 19 2 18 13 14 0
1 16 17 18 11 21 6 1 9 10 22 5 24 8 14 3 23 0
1 4 22 21 2 3 15 23 5 24 6 7 8 12 17 10 14 16 0
1 1 23 8 15 14 11 18 9 10 2 13 24 17 20 0
1 2 12 7 19 10 3 13 11 17 14 15 16 23 18 4 1 8 9 6 24 0
1 4 9 23 13 14 19 18 8 2 3 21 20 17 10 6 0
1 10 11 19 15 18 3 21 17 0
1 15 16 6 3 7 5 11 17 0
1 8 9 2 3 11 0
1 18 2 3 4 11 20 1 9 8 15 13 0
1 15 14 23 12 6 22 18 0
1 7 8 10 22 9 20 15 12 0
1 4 5 21 18 11 12 6 1 2 3 13 22 9 20 23 7 15 0
1 1 2 23 16 5 21 24 10 6 7 3 8 9 20 15 12 11 18 19 0
1 12 16 11 7 8 24 5 20 19 0
1 7 6 20 23 19 17 0
1 1 12 11 0
1 1 12 6 21 17 22 19 24 9 23 8 20 5 7 15 16 2 14 0
1 5 23 8 12 3 2 7 21 11 17 18 22 20 19 4 16 13 0
1 16 7 21 13 18 1 9 15 23 4 5 19 11 12 20 14 8 10 6 22 0
1 17 18 23 8 13 14 5 12 11 21 10 9 4 24 2 7 6 3 19 20 16 22 0
1 20 8 9 11 24 0
1 1 9 22 3 8 2 14 18 19 0
1 1 2 10 22 19 13 3 4 5 23 17 12 15 7 8 9 24 11 20 16 0
1 10 2 0
1 3 10 18 22 5 1 7 20 23 2 24 9 6 19 13 0
1 5 13 3 7 17 16 24 14 20 6 21 10 4 15 22 2 12 1 19 0
1 3 24 11 12 15 0
1 10 14 4 5 1 12 6 11 16 13 19 20 18 3 23 24 0
1 1 4 5 20 11 0
1 7 0
1 4 24 5 1 20 23 2 15 7 8 16 17 18 21 10 6 14 0
1 12 3 23 20 22 19 2 1 7 0
1 17 18 10 6 5 0
1 8 9 15 22 20 7 1 11 16 17 21 5 19 12 6 0
1 4 1 9 17 0
1 11 21 20 13 23 2 18 6 22 5 4 9 16 17 0
1 17 11 24 4 3 12 18 9 0
1 1 10 19 18 9 0
1 17 18 10 20 19 24 5 23 9 15 22 4 11 0
1 21 4 5 20 3 12 2 18 7 0
1 4 19 8 20 23 12 6 15 14 0
1 1 23 7 10 20 13 6 17 18 11 21 2 12 15 14 16 24 8 4 22 5 3 19 0
1 4 18 7 21 24 5 20 3 2 9 6 15 0
1 18 11 15 16 17 0
1 5 15 24 8 14 3 13 11 0
1 19 0
1 1 8 14 0
1 11 12 16 19 13 15 23 21 2 22 20 1 8 24 9 18 10 7 6 0
1 6 18 19 20 4 2 11 0
1 23 15 14 19 5 1 7 18 0
1 11 12 4 23 0
1 15 3 21 17 11 5 1 10 2 12 18 14 13 24 20 23 4 8 9 16 0
1 13 23 10 17 12 4 0
1 3 5 4 17 18 14 20 0
1 20 24 12 11 14 0
1 14 4 17 13 11 22 19 8 9 1 6 0
1 23 19 5 4 22 3 8 16 17 7 0
1 8 16 21 22 4 2 0
1 6 17 5 24 7 8 23 12 3 10 0
1 12 11 20 4 21 9 15 16 19 7 8 24 6 0
1 1 8 0
1 15 5 7 0
1 2 7 15 0
1 14 16 24 7 0
1 7 8 18 20 6 22 2 3 12 11 15 17 21 14 16 24 5 1 10 13 4 9 23 0
1 12 8 17 18 22 6 20 1 9 13 24 23 3 5 2 11 0
1 13 15 2 3 4 6 24 22 12 18 20 5 16 14 23 17 11 1 7 8 0
1 1 9 10 13 6 12 19 5 22 2 7 14 0
1 1 7 12 18 13 0
1 18 10 21 11 19 15 16 17 22 24 14 8 12 9 23 4 20 7 1 2 0
1 17 5 13 14 4 11 22 19 15 3 6 21 18 7 8 2 16 23 0
1 13 5 9 20 21 0
1 3 20 14 15 16 0
1 14 13 5 12 1 2 3 22 9 10 19 24 11 17 7 15 8 6 20 16 0
1 6 10 0
1 9 8 23 21 22 12 6 14 13 24 20 4 5 18 10 11 7 0
1 1 0
1 3 24 19 14 0
1 3 4 14 15 16 21 9 13 17 22 19 0
1 7 14 23 8 2 6 24 17 20 10 11 12 1 16 5 4 9 0
1 10 19 14 17 18 0
1 20 16 0
1 11 21 0
1 7 11 19 2 15 17 8 23 16 10 13 3 4 21 22 5 9 12 6 14 18 0
1 10 15 1 7 19 5 21 12 17 24 18 23 9 8 0
1 1 5 17 19 22 6 7 20 23 21 2 13 9 11 8 4 12 3 16 0
1 11 19 24 17 13 8 16 7 3 6 2 14 22 15 0
1 16 11 19 6 20 7 21 0
1 1 22 3 8 11 14 15 13 0
1 16 12 6 7 21 4 5 22 18 19 17 13 20 8 10 11 0
1 13 11 20 10 15 2 3 23 0
1 16 17 24 10 22 0
1 4 2 12 19 23 9 10 5 1 24 6 17 7 3 20 11 0
1 7 15 16 23 17 21 24 18 3 4 5 20 1 10 13 11 0
1 13 23 9 21 24 6 0
1 1 12 19 4 17 11 22 9 8 16 24 7 6 5 2 14 10 21 18 13 0
1 6 7 8 24 9 15 23 10 14 3 19 4 17 20 18 1 22 13 0
1 15 1 5 13 6 7 2 3 8 16 17 11 14 0
1 11 12 6 3 24 8 22 4 2 10 21 18 14 15 20 19 17 0
1 23 3 13 0
1 8 2 17 18 10 12 6 16 13 4 7 9 19 0
1 3 6 7 12 8 16 22 19 5 1 2 4 21 9 11 24 17 18 13 10 20 23 15 14 0
1 1 7 3 10 11 12 6 5 20 17 0
1 4 10 12 22 7 20 8 2 0
1 20 8 4 9 10 11 16 19 7 14 15 0
1 4 1 6 7 8 9 20 21 17 5 19 0
1 5 10 18 13 24 15 21 17 20 23 19 22 3 4 8 12 9 1 0
1 1 6 7 15 13 18 20 17 10 21 9 16 24 0
1 20 18 10 17 7 23 2 0
1 13 9 16 11 22 7 5 8 24 17 18 19 0
1 10 9 8 23 15 0
1 19 18 23 3 12 4 5 13 21 0
1 3 4 17 5 22 0
1 6 3 4 12 1 13 18 19 7 24 9 10 2 14 15 23 21 5 16 17 0
1 4 5 8 17 20 23 15 16 11 19 24 14 9 10 2 1 22 6 18 7 12 13 3 0
1 4 5 7 8 0
1 4 9 13 11 0
1 6 9 0
1 5 22 6 24 3 10 13 11 20 18 12 0
1 15 7 21 5 4 11 2 20 18 9 0
1 7 1 8 14 10 22 15 3 11 19 13 21 2 24 0
1 3 13 10 1 7 15 8 0
1 3 2 11 0
1 1 13 4 22 15 20 5 6 19 0
1 18 19 0
1 2 7 16 14 15 3 12 23 8 9 10 17 0
1 11 12 15 16 0
1 22 4 1 12 2 3 8 23 21 17 24 18 9 10 20 13 14 6 7 0
1 1 7 9 11 21 13 5 12 8 16 17 19 18 24 6 0
1 7 8 0
1 1 21 6 9 12 8 14 0
1 1 12 8 24 9 10 11 15 21 18 0
1 2 12 23 16 22 0
1 3 15 1 2 23 8 0
1 13 8 9 5 1 2 3 20 23 21 24 7 4 17 18 11 12 6 22 15 16 10 19 0
1 12 23 3 11 5 8 14 9 0
1 6 7 0
1 1 9 16 6 19 0
1 1 22 3 4 0
1 13 4 7 8 17 18 16 9 24 2 20 23 21 22 14 15 6 0
1 7 0
1 23 21 22 18 19 20 15 16 17 3 4 5 13 6 14 11 12 24 9 10 2 7 1 8 0
1 0
1 1 6 3 13 0
1 21 1 3 6 7 8 2 17 13 24 12 11 16 4 22 0
1 6 0
1 5 1 16 0
1 1 20 8 14 18 23 21 2 12 6 7 10 13 19 24 9 16 17 11 3 0
1 17 21 6 20 10 22 12 0
1 1 4 0
1 4 5 12 14 24 10 18 3 13 20 8 22 9 21 0
1 17 20 23 16 19 22 6 7 0
1 17 16 13 20 9 8 22 0
1 5 17 18 0
1 0
1 6 0
1 6 9 19 13 11 22 10 20 1 16 7 4 18 0
1 2 3 24 21 17 0
1 5 2 15 0
1 7 5 20 12 2 3 4 21 18 1 22 17 0
1 2 14 3 19 13 23 0
1 20 21 12 14 18 22 4 17 1 24 5 13 2 3 10 11 19 0
1 16 24 14 23 10 20 5 1 18 19 13 17 12 0
1 2 7 24 14 16 0
1 2 14 13 21 10 9 0
1 4 7 15 0
1 1 8 9 19 20 16 24 17 12 6 13 11 0
1 21 2 6 18 23 11 0
1 10 18 3 22 4 5 19 20 0
1 5 0
1 11 3 6 22 12 15 16 0
1 9 10 22 2 3 4 11 16 21 0
1 14 10 11 18 22 24 15 19 8 23 5 21 13 1 2 3 16 7 20 17 4 12 9 6 0
1 23 14 24 15 6 8 16 7 0
1 4 3 0
1 13 14 16 11 0
1 12 5 1 10 20 21 24 3 16 7 13 15 22 17 9 0
1 21 18 11 14 15 20 23 4 5 1 2 12 3 13 24 10 6 22 0
1 6 0
1 2 7 20 19 15 21 13 5 10 17 18 4 22 6 8 9 12 11 16 3 24 23 0
1 9 2 8 22 6 3 12 13 14 0
1 1 6 9 20 4 22 17 10 11 16 15 0
1 17 8 9 16 6 23 3 13 19 22 0
1 11 0
1 13 14 23 11 21 2 6 7 15 16 19 18 22 1 12 17 20 24 9 0
1 1 2 20 21 18 8 6 24 17 9 0
1 20 3 12 11 0
1 11 5 13 8 6 7 12 21 22 15 3 24 17 18 10 14 23 16 19 20 4 0
1 24 0
1 21 15 23 4 0
1 8 21 20 23 5 16 2 3 12 0
1 1 2 9 8 20 21 10 6 4 19 7 18 24 22 0
1 9 10 18 7 8 24 12 6 14 16 3 15 19 0
1 1 18 2 0
1 1 2 14 11 0
1 3 18 19 11 16 10 17 5 6 7 0
1 3 22 11 5 2 1 23 10 16 17 6 14 9 24 18 19 0
1 11 5 3 7 21 24 4 1 2 0
1 9 10 17 15 1 19 13 11 20 8 23 5 16 24 21 0
1 13 17 22 5 15 16 20 18 11 24 12 3 21 10 0
1 8 23 16 13 1 0
1 2 6 21 9 10 11 24 14 0
1 14 6 19 16 10 20 4 9 8 12 0
1 1 11 0
1 1 2 12 11 5 7 15 16 19 17 18 0
1 2 6 18 11 24 12 21 7 0
1 13 9 23 6 24 15 19 8 12 1 2 0
1 1 23 0
1 15 0
1 3 21 16 0
1 4 23 7 18 13 5 19 14 8 22 2 11 12 15 16 0
1 1 18 13 5 6 21 9 10 11 20 16 19 2 14 3 15 0
1 20 13 19 11 4 9 10 18 23 8 24 21 0
1 12 9 5 15 1 22 6 8 23 4 0
1 1 2 3 13 14 15 0
1 5 8 13 14 17 20 23 12 6 7 24 15 0
1 5 10 11 19 12 1 16 7 14 15 8 22 3 0
1 9 6 13 19 2 3 12 1 7 11 22 18 21 23 0
1 10 11 24 8 21 0
1 16 21 1 22 5 20 13 14 15 24 18 9 10 12 11 0
1 9 0
1 20 19 18 0
1 10 11 12 8 15 24 19 20 18 14 3 13 23 21 2 16 7 1 0
1 15 16 0
1 4 8 0
1 3 21 5 1 6 7 0
1 7 8 14 18 23 3 5 4 24 2 6 9 10 11 19 15 1 0
1 1 23 5 6 24 15 2 14 11 12 0
1 1 2 24 14 6 7 8 19 16 15 21 0
1 6 9 10 19 20 12 4 8 23 5 22 11 21 16 13 14 15 18 0
1 10 15 11 2 13 6 17 0
1 19 8 20 0
1 8 10 11 21 6 0
1 2 20 21 6 7 22 9 24 17 18 14 0
1 12 23 19 13 22 20 14 8 2 3 18 5 1 16 17 7 10 11 0
1 4 10 19 2 12 11 18 22 20 23 5 15 1 21 9 24 8 7 16 17 14 3 13 0
1 4 0
1 3 24 17 21 10 8 13 19 2 0
1 1 7 6 3 15 0
1 3 11 16 0
1 2 9 23 16 22 24 5 0
1 4 9 20 3 5 15 14 13 19 7 6 21 17 24 8 22 0
1 9 11 16 21 20 1 17 18 7 8 15 14 2 3 4 5 12 6 24 13 19 10 0
1 1 20 24 2 11 18 22 3 19 14 0
1 1 2 14 10 11 18 4 5 6 7 0
1 4 14 16 6 7 3 21 0
1 4 19 18 10 17 24 3 23 13 0
1 1 8 10 22 0
1 1 2 15 12 6 7 16 11 23 21 0
1 8 2 23 3 4 18 19 13 20 15 14 9 10 11 24 6 17 22 0
1 10 1 9 2 20 3 13 21 0
1 7 19 0
1 15 16 21 17 18 24 5 1 9 10 20 19 0
1 12 13 15 16 11 17 18 5 4 22 24 7 0
1 16 6 15 17 24 9 14 2 10 0
1 16 3 24 23 5 15 8 12 18 13 7 22 2 19 10 1 20 11 21 17 6 4 14 9 0
1 11 6 15 2 0
1 15 8 12 5 4 7 17 11 23 3 16 2 14 0
1 9 13 3 7 12 6 18 19 20 23 5 22 0
1 8 13 2 14 15 20 4 0
1 5 2 1 20 8 23 15 0
1 4 19 20 17 0
1 3 8 15 16 9 12 13 4 7 23 11 0
1 12 5 6 22 14 2 11 0
1 4 5 17 11 12 0
1 9 12 8 13 24 21 10 11 5 23 1 17 0
1 3 11 16 24 21 22 19 0
1 1 2 13 3 15 0
1 12 16 6 2 7 23 9 10 11 4 14 15 17 21 19 13 0
1 15 0
1 8 2 11 17 5 19 13 14 15 16 18 1 22 20 21 6 7 9 10 23 24 12 0
1 21 17 18 7 12 15 2 3 22 13 19 14 5 1 4 0
1 1 2 8 18 23 22 16 11 5 17 3 21 0
1 6 15 1 2 3 23 4 5 20 14 11 12 17 0
1 3 12 6 0
1 4 1 2 9 10 6 20 22 12 5 15 19 18 23 14 7 8 17 21 16 0
1 1 2 3 9 13 10 20 6 14 16 11 0
1 3 6 10 15 14 4 0
0
"C1"
"C2"
"C3"
"C4"
"C5"
"C6"
"C7"
"C8"
"C9"
"C10"
"C11"
"C12"
"C13"
"C14"
"C15"
"C16"
"C17"
"C18"
"C19"
"C20"
"C21"
"C22"
"C23"
"C24"
"C25"
"M135: Gen v1.1 1 3 45"
"Brian Wichmann, email: brian.wichmann@bcs.org.uk"
"The validation of the STV programs for ERBS, 1st September 1999."
"""
