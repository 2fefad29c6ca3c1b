"""Warnings before a secret poll whose tally could give a vote away."""

from __future__ import annotations

from voting.rules.privacy import secret_ballot_warnings


def test_two_voters_cannot_keep_a_secret():
    report = secret_ballot_warnings({"Ana": 1, "Bo": 1})
    assert not report.safe
    assert report.lines() == ["Only 2 voters: a secret tally could show how each voted"]


def test_a_conference_of_equal_votes_is_safe():
    assert secret_ballot_warnings({f"M{i}": 1 for i in range(40)}).safe


def test_wri_section_with_more_votes_than_all_the_others_together():
    """WRI weights: a 3-vote section against two associates of 1 each."""
    report = secret_ballot_warnings([("Section X", 3), ("Associate P", 1), ("Associate Q", 1)])
    assert (
        "Section X holds 3 votes, more than all the others together (2): a result could show "
        "how Section X voted" in report.lines()
    )


def test_wsm_delegate_with_an_odd_weight_among_even_weights_is_identified_by_parity():
    """WSM 5.5(iv) attendance weights: 5 among 2, 4 and 6 shows in the parity of the total."""
    report = secret_ballot_warnings({"Galway 1": 5, "Cork": 2, "Dublin": 4, "Limerick": 6})
    assert report.lines() == [
        "Galway 1 holds 5 votes, and every other weight is a multiple of 2: the totals would "
        "show how Galway 1 voted"
    ]
    assert secret_ballot_warnings({"A": 5, "B": 4, "C": 3, "D": 2}).safe
