"""Units, attendance, members and roles: what a secretary and an admin do, and what is refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.fixtures.people import person
from voting.core.audit import AuditEvent
from voting.core.database import transaction
from voting.core.errors import Conflict, Invalid, NotAllowed
from voting.core.extensions import db
from voting.membership.models import MemberStatus, Role, RoleKind
from voting.membership.services import members
from voting.org.services import units
from voting.org.services.organisations import by_slug


def unit(org_slug: str, name: str):  # type: ignore[no-untyped-def]
    return next(u for u in by_slug(org_slug).units if u.name == name)


def test_wsm_secretary_adds_a_branch_and_records_its_meetings(demo) -> None:
    sam, wsm = person("sam@wsm.example"), by_slug("wsm")
    cork = units.create_unit(sam, wsm, {"kind": "branch", "name": "Cork", "size": "12"})
    assert (cork.size, cork.delegate_split) == (12, "even_first_remainder")
    units.add_attendance(sam, cork, {"held_on": "2025-03-01", "present": "7"})
    units.add_attendance(sam, cork, {"held_on": "2025-04-05", "present": 9, "note": "AGM"})
    assert [r.present for r in cork.attendance] == [9, 7]  # newest first

    with pytest.raises(Conflict) as twice:
        units.add_attendance(sam, cork, {"held_on": "2025-03-01", "present": "8"})
    assert twice.value.field == "held_on" and "already has a record for 2025-03-01" in (
        twice.value.message
    )
    with pytest.raises(Invalid) as negative:
        units.add_attendance(sam, cork, {"held_on": "2025-05-01", "present": "-2"})
    assert negative.value.field == "present"


def test_unit_names_are_unique_and_kinds_come_from_the_constitution(demo) -> None:
    sam, wsm = person("sam@wsm.example"), by_slug("wsm")
    with pytest.raises(Conflict, match="already a unit called galway"):
        units.create_unit(sam, wsm, {"kind": "branch", "name": "galway"})
    with pytest.raises(Invalid) as kind:
        units.create_unit(sam, wsm, {"kind": "section", "name": "Sligo"})
    assert kind.value.field == "kind" and "branch" in kind.value.message


def test_a_unit_with_members_is_not_deleted_and_the_count_is_given(demo) -> None:
    sam = person("sam@wsm.example")
    with pytest.raises(Conflict, match="Limerick still has 2 members"):
        units.delete_unit(sam, unit("wsm", "Limerick"))
    empty = units.create_unit(sam, by_slug("wsm"), {"kind": "branch", "name": "Sligo"})
    units.delete_unit(sam, empty)
    assert all(u.name != "Sligo" for u in by_slug("wsm").units)


def test_a_person_in_two_organisations_is_one_person_with_two_memberships(demo) -> None:
    ana = person("ana@wri.example")
    added = members.add_member(
        person("sam@wsm.example"),
        by_slug("wsm"),
        {"name": "Someone Else", "email": " ANA@wri.example ", "unit_id": unit("wsm", "Galway").id},
    )
    assert added.person_id == ana.id and added.status == MemberStatus.FULL
    assert ana.name == "Ana Admin"
    with pytest.raises(Conflict) as again:
        members.add_member(
            person("sam@wsm.example"), by_slug("wsm"), {"name": "A", "email": "ana@wri.example"}
        )
    assert again.value.field == "email"


def test_members_are_found_by_name_or_email_unit_and_status(demo) -> None:
    sam, wsm = person("sam@wsm.example"), by_slug("wsm")
    assert [m.person.name for m in members.list_members(sam, wsm, query="DELEG").members] == [
        "Dara Delegate",
        "Gal Delegate",
        "Gwen Delegate",
        "Lee Delegate",
    ]
    galway = members.list_members(sam, wsm, unit_id=unit("wsm", "Galway").id)
    assert galway.total == 2
    lapsed = members.list_members(sam, wsm, status="lapsed")
    assert [m.person.name for m in lapsed.members] == ["Lapsed Larry"]


def test_wsm_members_three_months_in_arrears_are_due_to_lapse_and_marked_on_request(demo) -> None:
    sam, wsm = person("sam@wsm.example"), by_slug("wsm")
    mo = person("mo@wsm.example").memberships[0]
    tom = person("tom@wsm.example").memberships[0]
    with transaction():
        mo.dues_paid_until = date.today() - timedelta(days=100)
        tom.dues_paid_until = date.today() - timedelta(days=60)
    assert [m.person.name for m in members.due_to_lapse(wsm)] == ["Mo Member"]
    assert members.due_to_lapse(by_slug("wri")) == []  # WRI has no such rule

    assert members.mark_lapsed(sam, wsm) == 1
    assert mo.status == MemberStatus.LAPSED and tom.status == MemberStatus.FULL
    entry = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "members.lapsed"))
    assert entry.one().data["count"] == 1


def test_a_delegate_must_belong_to_the_unit_they_represent(demo) -> None:
    sam, wsm = person("sam@wsm.example"), by_slug("wsm")
    with pytest.raises(Invalid) as elsewhere:
        members.assign_role(
            sam,
            wsm,
            {"email": "mo@wsm.example", "kind": "delegate", "unit_id": unit("wsm", "Galway").id},
        )
    assert elsewhere.value.field == "unit_id"
    assert "Mo Member is a member of Dublin, not of Galway" in elsewhere.value.message
    with pytest.raises(Invalid, match="represents a unit"):
        members.assign_role(sam, wsm, {"email": "mo@wsm.example", "kind": "delegate"})
    role = members.assign_role(
        sam,
        wsm,
        {
            "email": "mo@wsm.example",
            "kind": "delegate",
            "unit_id": unit("wsm", "Dublin").id,
            "starts_on": "2025-01-01",
            "ends_on": "2025-06-30",
        },
    )
    assert role.kind == RoleKind.DELEGATE and role.ends_on == date(2025, 6, 30)


def test_the_last_admin_cannot_be_ended_or_removed(demo) -> None:
    wri = by_slug("wri")
    ana = person("ana@wri.example")
    admin_role = next(r for r in ana.roles if r.kind == RoleKind.ADMIN)
    with pytest.raises(Conflict, match="last admin"):
        members.end_role(ana, admin_role)
    with pytest.raises(Conflict, match="last admin"):
        members.remove_role(ana, admin_role)
    members.assign_role(ana, wri, {"email": "chris@wri.example", "kind": "admin"})
    members.end_role(ana, admin_role)
    assert admin_role.ends_on == date.today()


def test_a_plain_member_and_another_organisations_secretary_are_refused(demo) -> None:
    wri = by_slug("wri")
    for outsider in (person("xavier@wri.example"), person("sam@wsm.example")):
        with pytest.raises(NotAllowed):
            units.create_unit(outsider, wri, {"kind": "section", "name": "Section Z"})
        with pytest.raises(NotAllowed):
            members.add_member(outsider, wri, {"name": "Z", "email": "z@example.org"})
        with pytest.raises(NotAllowed):
            members.assign_role(outsider, wri, {"email": "xavier@wri.example", "kind": "chair"})
        with pytest.raises(NotAllowed):
            units.managed_organisation(outsider, "wri")
    assert db.session.scalars(select(Role).where(Role.kind == RoleKind.CHAIR)).all()
