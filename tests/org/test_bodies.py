"""Editing bodies and their rules: validated as a whole, audited setting by setting."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.fixtures.people import person
from voting.core.audit import AuditEvent
from voting.core.errors import Conflict, Invalid, NotAllowed
from voting.core.extensions import db
from voting.org.services import bodies
from voting.org.services.organisations import by_slug


def conference():  # type: ignore[no-untyped-def]
    return bodies.body_in(by_slug("wri"), "conference")


def test_wri_conference_two_thirds_becomes_three_quarters_and_the_change_is_audited(demo) -> None:
    body = conference()
    data = body.settings.to_dict()
    data["special"][0]["threshold"]["fraction"] = "3/4"
    bodies.update_body_settings(person("ana@wri.example"), body, data)
    assert body.settings.special[0].threshold.fraction.numerator == 3
    entry = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "body.settings_changed")
    ).one()
    assert entry.data["changes"] == {"special[0].threshold.fraction": ["2/3", "3/4"]}


def test_unchanged_settings_write_nothing(demo) -> None:
    body = conference()
    bodies.update_body_settings(person("ana@wri.example"), body, body.settings.to_dict())
    assert (
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "body.settings_changed")
        ).first()
        is None
    )


def test_impossible_settings_name_every_problem_by_path(demo) -> None:
    body = conference()
    data = body.settings.to_dict()
    data["weight_bands"] = []
    data["vote_in_writing_only"] = ["withdrawn"]
    with pytest.raises(bodies.InvalidSettings) as refused:
        bodies.update_body_settings(person("ana@wri.example"), body, data)
    assert [e.path for e in refused.value.errors] == ["weight_bands", "vote_in_writing_only"]
    with pytest.raises(bodies.InvalidSettings) as fraction:
        bodies.update_body_settings(
            person("ana@wri.example"), body, {"decision": {"fraction": "3/2"}}, merge=True
        )
    assert fraction.value.field == "decision.fraction"
    assert body.settings.decision.fraction.denominator == 2  # nothing saved


def test_a_new_body_starts_from_the_defaults_and_can_be_deleted(demo) -> None:
    ana, wri = person("ana@wri.example"), by_slug("wri")
    body = bodies.create_body(
        ana, wri, {"kind": "committee", "slug": "finance", "name": "Finance Committee"}
    )
    assert body.settings.scheme == "one_member_one_vote"
    assert body.position == max(b.position for b in wri.bodies)
    with pytest.raises(Conflict):
        bodies.create_body(ana, wri, {"kind": "committee", "slug": "finance", "name": "Again"})
    with pytest.raises(Invalid) as slug:
        bodies.create_body(ana, wri, {"kind": "committee", "slug": "Fin Ance", "name": "X"})
    assert slug.value.field == "slug"
    bodies.delete_body(ana, body)
    assert [b.slug for b in wri.bodies] == ["conference", "council", "executive"]


def test_languages_are_a_subset_of_ours(demo) -> None:
    ana, wri = person("ana@wri.example"), by_slug("wri")
    bodies.update_organisation(ana, wri, {"name": "WRI", "languages": ["es", "en"]})
    assert (wri.name, wri.languages) == ("WRI", ["en", "es"])
    with pytest.raises(Invalid):
        bodies.update_organisation(ana, wri, {"languages": ["it"]})


def test_a_secretary_who_is_not_admin_cannot_change_the_rules(demo) -> None:
    # WSM's secretary is also its admin: a WRI body is still out of reach.
    with pytest.raises(NotAllowed):
        bodies.update_body_settings(person("sam@wsm.example"), conference(), {})
    with pytest.raises(NotAllowed):
        bodies.delete_body(person("xavier@wri.example"), conference())
