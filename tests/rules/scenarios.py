"""The worked examples of the rules, built once as plain data for the tests.

WRI: Constitution 3(e) and Rules 1(b) (seed 003). WSM: Constitution 5.2 and 5.5(iv)
(seed 000).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from voting.rules.entitlement import (
    Attendance,
    BodyRule,
    CardHolder,
    Delegate,
    DelegateBand,
    Person,
    PollContext,
    Roll,
    Scheme,
    Unit,
    WeightBand,
)
from voting.rules.types import MemberStatus, UnitKind

# WRI conference: "each Section with more than 1000 members has three votes, each
# other Section two votes and each Associate Organisation one collective vote".
WRI_CONFERENCE = BodyRule(
    scheme=Scheme.UNIT_WEIGHTS,
    weight_bands=(
        WeightBand(UnitKind.SECTION, votes=3, min_size=1001),
        WeightBand(UnitKind.SECTION, votes=2),
        WeightBand(UnitKind.ASSOCIATE, votes=1),
    ),
    non_voting_roles=frozenset({"chair"}),
)
# "(except in case of motions to amend the Constitution)": sections only.
WRI_AMENDMENT = replace(WRI_CONFERENCE, eligible_unit_kinds=frozenset({UnitKind.SECTION}))

WRI_PEOPLE = (
    Person("xena", "Xena", MemberStatus.INDIVIDUAL),
    Person("yann", "Yann", MemberStatus.INDIVIDUAL),
    Person("pia", "Pia", MemberStatus.INDIVIDUAL),
    Person("quin", "Quin", MemberStatus.INDIVIDUAL),
    Person("ida", "Ida", MemberStatus.INDIVIDUAL),  # an individual member, no cards
    Person("chloe", "Chloe", MemberStatus.INDIVIDUAL, roles=frozenset({"chair"})),
)
WRI_UNITS = (
    Unit("X", "Section X", UnitKind.SECTION, size=2500),
    Unit("Y", "Section Y", UnitKind.SECTION, size=800),
    Unit("P", "Associate P", UnitKind.ASSOCIATE, size=40),
    Unit("Q", "Associate Q", UnitKind.ASSOCIATE, size=15),
)
WRI_ROLL = Roll(
    people=WRI_PEOPLE,
    units=WRI_UNITS,
    card_holders=(
        CardHolder("xena", "X"),
        CardHolder("yann", "Y"),
        CardHolder("pia", "P"),
        CardHolder("quin", "Q"),
    ),
)

# WSM delegate council: "one 6-month branch delegate and one rotating branch delegate
# for branches with more than 10 members"; the internal secretary chairs, no officer votes.
WSM_COUNCIL = BodyRule(
    scheme=Scheme.DELEGATE_ATTENDANCE,
    delegate_bands=(DelegateBand(min_size=11, delegates=2), DelegateBand(min_size=0, delegates=1)),
    non_voting_roles=frozenset({"chair", "officer"}),
)
COUNCIL_DATE = dt.date(2024, 5, 18)
WSM_PEOPLE = (
    Person("aoife", "Aoife"),  # Galway, 6-month delegate
    Person("brian", "Brian"),  # Galway, rotating delegate
    Person("ciara", "Ciara"),  # Limerick delegate
    Person("sec", "Sorcha", roles=frozenset({"chair", "officer"})),  # internal secretary
)
WSM_UNITS = (
    Unit("galway", "Galway", UnitKind.BRANCH, size=14),
    Unit("limerick", "Limerick", UnitKind.BRANCH, size=6),
)
WSM_ROLL = Roll(
    people=WSM_PEOPLE,
    units=WSM_UNITS,
    attendance=(
        Attendance("galway", dt.date(2024, 5, 4), present=11),
        Attendance("galway", dt.date(2024, 5, 11), present=9),
        # Held after the council date: does not count.
        Attendance("galway", dt.date(2024, 5, 25), present=13),
        Attendance("limerick", dt.date(2024, 5, 13), present=5),
        # A social evening, no motions discussed: does not count.
        Attendance("limerick", dt.date(2024, 5, 16), present=3, motions_discussed=False),
    ),
    delegates=(
        Delegate("aoife", "galway", rank=1),
        Delegate("brian", "galway", rank=2),
        Delegate("ciara", "limerick"),
    ),
)
WSM_CONTEXT = PollContext(cutoff=COUNCIL_DATE)
