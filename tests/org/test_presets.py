"""Each constitution preset creates the bodies and rules its constitution describes."""

from __future__ import annotations

from fractions import Fraction

import pytest
from sqlalchemy import select

from voting.constitutions import load_preset, preset_keys
from voting.constitutions.schema import BodySettings, SettingsError
from voting.core import audit
from voting.core.audit import AuditEvent
from voting.core.errors import Conflict, Invalid
from voting.core.extensions import db
from voting.org.models import Body, Organisation
from voting.org.services.organisations import create_from_preset


def body(org: Organisation, slug: str) -> BodySettings:
    return next(b for b in org.bodies if b.slug == slug).settings


def test_every_preset_loads_and_round_trips_through_json() -> None:
    assert preset_keys() == ["awl", "isn", "wri", "wsm"]
    for key in preset_keys():
        for preset_body in load_preset(key).bodies:
            settings = preset_body.settings
            assert BodySettings.from_dict(settings.to_dict()) == settings
            assert settings.validate() == []


def test_wri_conference_weights_sections_3_or_2_and_associates_1(app) -> None:
    """WRI Constitution 3.e: 'each Section with more than 1000 members has three votes,
    each other Section two votes and each Associate Organisation one collective vote'."""
    org = create_from_preset(None, "wri")
    conference = body(org, "conference")
    assert conference.scheme == "unit_weights"
    bands = [(b.unit_kind, b.min_size, b.votes) for b in conference.weight_bands]
    assert bands == [("section", 1001, 3), ("section", 0, 2), ("associate", 0, 1)]
    assert conference.consensus.first
    assert conference.one_organisation_per_card_holder
    # Individual members attend and speak, without a vote.
    assert "individual" in conference.speak and "individual" not in conference.vote
    amendment = next(s for s in conference.special if s.name == "constitution_amendment")
    assert amendment.threshold.fraction == Fraction(2, 3)
    assert amendment.threshold.base == "cast" and not amendment.threshold.strict
    assert amendment.unit_kinds == ["section"]


def test_wri_council_rules_need_two_thirds_present_and_ec_two_thirds_of_all(app) -> None:
    """WRI Constitution 6: Rules 'approved by not less than two-thirds of the Council
    members present'; Rules 3.b: EC 'by two thirds of all members'."""
    org = create_from_preset(None, "wri")
    rules = next(s for s in body(org, "council").special if s.name == "rules")
    assert (rules.threshold.fraction, rules.threshold.base) == (Fraction(2, 3), "present")
    executive = body(org, "executive").decision
    assert (executive.fraction, executive.base) == (Fraction(2, 3), "members")
    assert body(org, "executive").remote_voting


def test_wsm_delegate_council_delegates_carry_attendance_officers_without_vote(app) -> None:
    """WSM 5.3.1 'only branch delegates have voting rights'; 5.4.1 'None of the National
    officers has a vote'; 5.2 two delegates 'for branches with more than 10 members'."""
    org = create_from_preset(None, "wsm")
    council = body(org, "delegate-council")
    assert council.scheme == "delegate_attendance"
    assert {"chair", "officer"} <= set(council.non_voting_roles)
    assert [(b.min_size, b.delegates) for b in council.delegate_bands] == [(11, 2), (0, 1)]
    assert council.mandates and council.split_votes
    assert (council.notice_days, council.item_deadline_days) == (10, 7)
    assert council.agenda_template[0] == "Branch reports" and council.agenda_template[-1] == "AOB"
    emergency = body(org, "emergency-council").emergency
    assert emergency.is_emergency and emergency.ratified_by == "delegate-council"
    assert "security" in emergency.grounds
    conference = body(org, "conference")
    assert conference.proxies.allowed and conference.proxies.scopes == ["motion"]
    assert conference.elections.secret and conference.elections.ratify_uncontested


def test_isn_simple_majority_two_thirds_to_dissolve_and_half_women(app) -> None:
    """ISN: 'simple majority vote'; dissolved 'by a two thirds majority'; 'at least four
    shall be women' of eight nationally elected; two months' notice of an NMM."""
    org = create_from_preset(None, "isn")
    nmm = body(org, "nmm")
    assert nmm.decision.fraction == Fraction(1, 2) and nmm.decision.strict
    dissolution = next(s for s in nmm.special if s.name == "dissolution")
    assert dissolution.threshold.fraction == Fraction(2, 3)
    assert nmm.elections.minimum_category == "woman"
    assert nmm.elections.minimum_share == Fraction(1, 2)
    assert nmm.elections.recall and nmm.notice_days == 60


def test_awl_candidates_attend_withdrawn_vote_in_writing_equal_time(app) -> None:
    """AWL: candidates attend without a vote; withdrawn members vote in writing or by
    proxy; 'equal speaking time ... to all the different points of view'."""
    org = create_from_preset(None, "awl")
    conference = body(org, "conference")
    assert "candidate" in conference.attend and "candidate" not in conference.vote
    assert conference.vote_in_writing_only == ["withdrawn"]
    assert conference.proxies.allowed and conference.proxies.statuses == ["withdrawn"]
    assert "equal_time_per_viewpoint" in conference.speaking.policy
    assert conference.free_votes


def test_creating_from_a_preset_is_audited_and_refuses_a_taken_slug(app) -> None:
    org = create_from_preset(None, "wsm")
    assert [b.slug for b in org.bodies] == ["conference", "delegate-council", "emergency-council"]
    event = db.session.scalars(select(AuditEvent)).one()
    assert event.action == "organisation.created" and event.organisation_id == org.id
    with pytest.raises(Conflict):
        create_from_preset(None, "wsm")
    with pytest.raises(Invalid):
        create_from_preset(None, "wsm", slug="Not A Slug!")
    with pytest.raises(Invalid):
        create_from_preset(None, "nonexistent")
    assert db.session.scalar(select(db.func.count(Body.id))) == 3
    assert audit.verify(org.id).ok


def test_a_second_copy_of_a_preset_under_another_name(app) -> None:
    org = create_from_preset(None, "wri", name="Peace Network", slug="peace")
    assert org.name == "Peace Network" and org.preset == "wri"
    assert len(org.bodies) == 3


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"scheme": "by_lot"}, "scheme"),
        ({"decision": {"fraction": "3/2"}}, "decision.fraction"),
        ({"decision": {"fraction": "two thirds"}}, "decision.fraction"),
        ({"notice_days": -1}, "notice_days"),
        ({"vote": ["full", "royalty"]}, "vote"),
        ({"colour": "red"}, ""),
        ({"weight_bands": [{"unit_kind": "section", "votes": "3"}]}, "weight_bands[0].votes"),
    ],
)
def test_broken_settings_name_the_setting(data: dict, path: str) -> None:
    with pytest.raises(SettingsError) as error:
        BodySettings.from_dict(data)
    assert error.value.path == path


def test_contradictory_settings_are_reported() -> None:
    settings = BodySettings.from_dict(
        {"scheme": "unit_weights", "vote_in_writing_only": ["withdrawn"]}
    )
    assert {p.path for p in settings.validate()} == {"weight_bands", "vote_in_writing_only"}
