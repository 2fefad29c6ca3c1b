"""Choosing the election method, ratification of an uncontested position, approval."""

from __future__ import annotations

from voting.rules.elections import (
    ApprovalBallot,
    Method,
    approval,
    choose_method,
    ratification_notice,
    ratify,
)
from voting.rules.stv import Candidate


def test_wsm_uncontested_officer_goes_to_a_secret_yes_no_ratification_ballot():
    """WSM 10(c): "Where a position is uncontested the ratification ballot shall also be by
    secret ballot"."""
    assert choose_method(1, 1, Method.MEEK_STV) is Method.RATIFICATION
    assert choose_method(2, 1, Method.MEEK_STV) is Method.MEEK_STV
    assert choose_method(1, 1, Method.MEEK_STV, ratify_uncontested=False) is Method.MEEK_STV
    notice = ratification_notice(Candidate("n", "Niamh"))
    assert notice.describe() == "Niamh is the only candidate: a yes/no ratification ballot decides"
    assert ratify(14, 3, 2).carried
    assert ratify(9, 9).explain() == "Lost: tie, 9 votes to 9 (ties fail)"


def test_approval_elects_the_most_approved_and_breaks_a_last_seat_tie_by_lot():
    candidates = [Candidate(c, c) for c in "ABCD"]
    ballots = [
        ApprovalBallot(frozenset("AB"), 3),
        ApprovalBallot(frozenset("AC"), 2),
        ApprovalBallot(frozenset("D"), 2),
    ]
    result = approval(ballots, candidates, 2, lot_seed=1)
    assert result.elected[0] == "A"
    assert result.approvals == {"A": 5, "B": 3, "C": 2, "D": 2}
    assert result.elected == ("A", "B")
    tied = approval(ballots, candidates, 3, lot_seed=1)
    assert tied.elected[:2] == ("A", "B")
    assert tied.report()[-1].startswith("C, D tied on 2 approvals for the last seat")
    assert tied.elected == approval(ballots, candidates, 3, lot_seed=1).elected
