"""Requisitions: members, units, delegates or officers demand a meeting; the threshold,
reached once, tells the secretaries; the meeting called links back to it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.fixtures.people import bearer, form_values, person
from voting.core.audit import AuditEvent
from voting.core.columns import utcnow
from voting.core.database import transaction
from voting.core.errors import Conflict, Invalid, NotAllowed, NotFound
from voting.core.extensions import db
from voting.meetings.models import (
    CalledBy,
    Meeting,
    MeetingKind,
    Requisition,
    RequisitionSignature,
    RequisitionStatus,
)
from voting.meetings.services import requisitions
from voting.membership.models import Membership, Person
from voting.membership.services import members
from voting.org.models import Body, Organisation, Unit
from voting.org.services.organisations import by_slug

GROUNDS = "The government has announced a ban on the right to strike."


def org(slug: str) -> Organisation:
    found = by_slug(slug)
    assert found is not None
    return found


def body(slug: str, body_slug: str) -> Body:
    return next(b for b in org(slug).bodies if b.slug == body_slug)


def unit(slug: str, name: str) -> Unit:
    return next(u for u in org(slug).units if u.name == name)


def add_full_members(count: int) -> None:
    """WSM's demo roll has 7 full members (and a lapsed one): bring it to 7 + `count`."""
    wsm, dublin = org("wsm"), unit("wsm", "Dublin")
    with transaction():
        for n in range(count):
            db.session.add(
                Membership(
                    person=Person(email=f"member{n}@wsm.example", name=f"Member {n:02d}"),
                    organisation=wsm,
                    unit=dublin,
                )
            )


def add_secretary(email: str = "sid@wsm.example") -> Person:
    """A secretary of the whole organisation who neither chairs nor administers."""
    sam, wsm = person("sam@wsm.example"), org("wsm")
    dublin = unit("wsm", "Dublin")
    members.add_member(sam, wsm, {"name": "Sid", "email": email, "unit_id": dublin.id})
    members.assign_role(sam, wsm, {"email": email, "kind": "secretary"})
    return person(email)


def emergency_by_members(starter: str = "mo@wsm.example") -> Requisition:
    return requisitions.start_requisition(
        person(starter),
        body("wsm", "emergency-council"),
        rule="members",
        title="Emergency council on the strike ban",
        grounds=GROUNDS,
    )


def audit_count(action: str) -> int:
    return int(
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        )
        or 0
    )


# --- The threshold ---------------------------------------------------------------------------


def test_wsm_emergency_council_on_ten_percent_of_members_mails_the_secretary(
    app: Flask, demo: None, mailbox: Any
) -> None:
    add_full_members(23)  # 30 full members: 10% is 3 signatures
    requisition = emergency_by_members()
    assert (requisition.eligible, requisition.needed) == (30, 3)
    assert requisition.kind is MeetingKind.EMERGENCY
    assert requisitions.progress_of(requisition).remaining == 2
    requisitions.sign(person("gwen@wsm.example"), requisition)
    assert requisition.status is RequisitionStatus.OPEN
    assert mailbox.messages == []

    requisitions.sign(person("gal@wsm.example"), requisition)
    db.session.expire_all()
    assert requisition.status is RequisitionStatus.REACHED
    assert requisition.reached_at is not None
    assert requisition.convene_by is None  # the emergency council's rule sets no deadline
    assert audit_count("requisition.reached") == 1
    assert audit_count("requisition.signed") == 3

    # Sam is WSM's secretary: the only one, so the only one mailed.
    assert [m["To"] for m in mailbox.messages] == ["sam@wsm.example"]
    mail = mailbox.messages[0]
    assert mail["Subject"] == "Requisition reached: Emergency council on the strike ban"
    text = mail.get_content()
    assert "3 of 30 members have signed; 3 needed: reached." in text
    assert GROUNDS in text
    assert mailbox.link_to("sam@wsm.example") == f"/requisitions/{requisition.id}"


def test_the_count_is_read_when_it_starts_and_does_not_move(app: Flask, demo: None) -> None:
    add_full_members(13)  # 20 full members: 2 needed
    requisition = emergency_by_members()
    assert (requisition.eligible, requisition.needed) == (20, 2)
    wsm, dublin = org("wsm"), unit("wsm", "Dublin")
    with transaction():  # thirty more join while it gathers signatures
        for n in range(30):
            db.session.add(
                Membership(
                    person=Person(email=f"late{n}@wsm.example", name=f"Late {n}"),
                    organisation=wsm,
                    unit=dublin,
                )
            )
    requisitions.sign(person("gwen@wsm.example"), requisition)
    assert requisition.status is RequisitionStatus.REACHED
    assert (requisition.eligible, requisition.needed) == (20, 2)


def test_no_mail_when_the_signature_that_reached_it_is_rolled_back(
    app: Flask, demo: None, mailbox: Any
) -> None:
    add_full_members(13)  # 2 needed
    requisition = emergency_by_members()
    with pytest.raises(RuntimeError), transaction():
        requisitions.sign(person("gwen@wsm.example"), requisition)
        raise RuntimeError("the rest of the transaction failed")
    db.session.expire_all()
    assert requisition.status is RequisitionStatus.OPEN
    assert requisitions.signature_count(requisition) == 1
    assert mailbox.messages == []


def test_a_withdrawn_signature_no_longer_counts_and_may_be_given_again(
    app: Flask, demo: None
) -> None:
    add_full_members(23)  # 3 needed
    requisition = emergency_by_members()
    gwen = person("gwen@wsm.example")
    requisitions.sign(gwen, requisition)
    requisitions.withdraw_signature(gwen, requisition)
    assert requisitions.signature_count(requisition) == 1
    with pytest.raises(Conflict, match="You have not signed"):
        requisitions.withdraw_signature(gwen, requisition)
    requisitions.sign(gwen, requisition)
    requisitions.sign(person("gal@wsm.example"), requisition)
    assert requisition.status is RequisitionStatus.REACHED
    with pytest.raises(Conflict, match="can no longer be withdrawn"):
        requisitions.withdraw_signature(gwen, requisition)
    assert requisitions.signature_count(requisition) == 3


def test_signing_twice_is_refused_with_a_message(app: Flask, demo: None) -> None:
    add_full_members(23)
    requisition = emergency_by_members()
    with pytest.raises(Conflict, match=r"You have already signed this requisition\."):
        requisitions.sign(person("mo@wsm.example"), requisition)
    assert requisitions.signature_count(requisition) == 1


def test_a_reached_or_closed_requisition_takes_no_more_signatures(app: Flask, demo: None) -> None:
    add_full_members(13)  # 2 needed
    reached = emergency_by_members()
    requisitions.sign(person("gwen@wsm.example"), reached)
    with pytest.raises(Conflict, match="all the signatures it needs"):
        requisitions.sign(person("gal@wsm.example"), reached)
    with pytest.raises(Conflict, match="the meeting must be called"):
        requisitions.close_requisition(person("mo@wsm.example"), reached)

    closed = emergency_by_members()
    with pytest.raises(NotAllowed):
        requisitions.close_requisition(person("gwen@wsm.example"), closed)
    requisitions.close_requisition(person("mo@wsm.example"), closed)
    assert closed.status is RequisitionStatus.CLOSED
    with pytest.raises(Conflict, match="closed"):
        requisitions.sign(person("gwen@wsm.example"), closed)


# --- Two at once -------------------------------------------------------------------------------


def _at_once(app: Flask, calls: list[tuple[int, int]], action: Callable[..., Any]) -> list[Any]:
    """Run `action(person, requisition)` for each (person id, requisition id) at the same
    moment, each in its own thread and session; what each returned or raised."""
    db.session.commit()
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, person_id: int, requisition_id: int) -> None:
        with app.app_context():
            who = db.session.get(Person, person_id)
            requisition = db.session.get(Requisition, requisition_id)
            start.wait()
            try:
                results[index] = action(who, requisition)
            except Exception as error:
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, *call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    db.session.expire_all()
    return results


def test_the_same_signature_sent_twice_at_once_counts_once(app: Flask, demo: None) -> None:
    add_full_members(23)
    requisition = emergency_by_members()
    gwen = person("gwen@wsm.example").id
    results = _at_once(app, [(gwen, requisition.id)] * 2, requisitions.sign)
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(refused) == 1 and "already signed" in refused[0].message
    assert sum(isinstance(r, RequisitionSignature) for r in results) == 1
    assert requisitions.signature_count(requisition) == 2


def test_two_signatures_reaching_it_at_once_change_the_status_once(
    app: Flask, demo: None, mailbox: Any
) -> None:
    add_full_members(23)  # 3 needed
    requisition = emergency_by_members()
    requisitions.sign(person("gwen@wsm.example"), requisition)
    signers = [person(e).id for e in ("gal@wsm.example", "lee@wsm.example", "dara@wsm.example")]
    results = _at_once(app, [(s, requisition.id) for s in signers], requisitions.sign)
    assert sum(isinstance(r, RequisitionSignature) for r in results) == 1
    assert all("all the signatures" in r.message for r in results if isinstance(r, Conflict)), (
        results
    )
    assert requisition.status is RequisitionStatus.REACHED
    assert requisitions.signature_count(requisition) == 3
    assert audit_count("requisition.reached") == 1
    assert len(mailbox.messages) == 1


# --- Rights -----------------------------------------------------------------------------------


def test_those_without_the_right_cannot_sign(app: Flask, demo: None) -> None:
    add_full_members(23)
    requisition = emergency_by_members()
    # A lapsed member.
    with pytest.raises(NotAllowed, match="good standing"):
        requisitions.sign(person("lapsed@wsm.example"), requisition)
    # A member of another organisation does not even find it.
    with pytest.raises(NotFound):
        requisitions.sign(person("aoife@isn.example"), requisition)
    with pytest.raises(NotFound):
        requisitions.get_requisition(person("aoife@isn.example"), requisition.id)
    # Nobody signed in.
    with pytest.raises(NotFound):
        requisitions.sign(None, requisition)
    # Signing people's requisition for a unit.
    with pytest.raises(Invalid):
        requisitions.sign(person("gal@wsm.example"), requisition, unit_id=unit("wsm", "Galway").id)
    assert requisitions.signature_count(requisition) == 1


def test_a_unit_signs_through_its_own_secretary_or_delegate_only(app: Flask, demo: None) -> None:
    galway = unit("wsm", "Galway")
    council = body("wsm", "emergency-council")
    # Mo holds no role for a branch; Lee is Limerick's delegate, not Galway's; Sam is the
    # organisation's secretary, not Galway's.
    for email in ("mo@wsm.example", "lee@wsm.example", "sam@wsm.example"):
        with pytest.raises(NotAllowed):
            requisitions.start_requisition(
                person(email),
                council,
                rule="branch_motion",
                title="Emergency",
                grounds=GROUNDS,
                unit_id=galway.id,
            )
    assert db.session.scalar(select(func.count()).select_from(Requisition)) == 0
    # Galway's delegate signs for Galway: a branch motion is enough on its own.
    made = requisitions.start_requisition(
        person("gal@wsm.example"),
        council,
        rule="branch_motion",
        title="Emergency",
        grounds=GROUNDS,
    )
    (signature,) = made.signatures
    assert signature.unit_id == galway.id and signature.person_id == person("gal@wsm.example").id
    assert made.status is RequisitionStatus.REACHED
    assert (made.eligible, made.needed) == (3, 1)


def test_a_unit_signs_once_whoever_signs_for_it(app: Flask, demo: None) -> None:
    isn = org("isn")
    dublin_north = unit("isn", "Dublin North")
    nia = person("nia@isn.example")
    for email in ("aoife@isn.example", "dev@isn.example"):
        members.assign_role(
            nia, isn, {"email": email, "kind": "delegate", "unit_id": dublin_north.id}
        )
    nmm = body("isn", "nmm")
    # Ten per cent of ISN's two branches: one signature would do; make it need two.
    with transaction():
        db.session.add(Unit(organisation=isn, kind=dublin_north.kind, name="Galway branch"))
        for n in range(10):
            db.session.add(Unit(organisation=isn, kind=dublin_north.kind, name=f"Branch {n}"))
    made = requisitions.start_requisition(
        person("aoife@isn.example"), nmm, rule="branches", title="NMM", grounds=GROUNDS
    )
    assert made.needed == 2
    with pytest.raises(Conflict, match="Dublin North has already signed"):
        requisitions.sign(person("dev@isn.example"), made)
    # Members cannot sign where branches do.
    with pytest.raises(NotAllowed, match="secretary or a delegate"):
        requisitions.sign(person("brian@isn.example"), made)


def test_only_those_the_rule_names_start_under_it(app: Flask, demo: None) -> None:
    council = body("wsm", "emergency-council")
    with pytest.raises(NotAllowed, match="Only delegates"):
        requisitions.start_requisition(
            person("mo@wsm.example"), council, rule="delegates", title="E", grounds=GROUNDS
        )
    with pytest.raises(NotAllowed, match="Only officers"):
        requisitions.start_requisition(
            person("mo@wsm.example"), council, rule="officers", title="E", grounds=GROUNDS
        )
    # Tom is the only officer: two are needed, so it waits for another.
    made = requisitions.start_requisition(
        person("tom@wsm.example"), council, rule="officers", title="E", grounds=GROUNDS
    )
    assert (made.eligible, made.needed, made.status) == (1, 2, RequisitionStatus.OPEN)
    assert not requisitions.progress_of(made).reachable
    # The rules offered match: Mo may use the members' rule only.
    assert [r.name for r in requisitions.rules_for(person("mo@wsm.example"), council)] == [
        "members"
    ]


# --- Bad input --------------------------------------------------------------------------------


def test_grounds_title_body_and_rule_are_checked(app: Flask, demo: None) -> None:
    council = body("wsm", "emergency-council")
    mo = person("mo@wsm.example")

    def start(**given: Any) -> Requisition:
        values = {"rule": "members", "title": "Emergency", "grounds": GROUNDS, **given}
        return requisitions.start_requisition(mo, council, **values)

    with pytest.raises(Invalid) as empty:
        start(grounds="   ")
    assert empty.value.field == "grounds"
    with pytest.raises(Invalid) as long:
        start(grounds="x" * 2001)
    assert (long.value.field, long.value.message) == (
        "grounds",
        "The grounds can be at most 2000 characters.",
    )
    with pytest.raises(Invalid) as no_title:
        start(title="")
    assert no_title.value.field == "title"
    with pytest.raises(Invalid) as rule:
        start(rule="nonsense")
    assert rule.value.field == "rule"
    with pytest.raises(Invalid, match="provide no requisition"):
        requisitions.start_requisition(
            mo, body("wsm", "delegate-council"), rule="members", title="E", grounds=GROUNDS
        )
    with pytest.raises(NotFound, match="No such body"):
        requisitions.body_of(org("wsm"), "no-such-body")
    assert db.session.scalar(select(func.count()).select_from(Requisition)) == 0
    assert start(grounds="x" * 2000).grounds == "x" * 2000


# --- Calling the meeting ------------------------------------------------------------------------


def test_the_secretary_calls_the_meeting_in_one_step_and_it_links_back(
    app: Flask, demo: None
) -> None:
    sid = add_secretary()
    made = requisitions.start_requisition(
        person("gal@wsm.example"),
        body("wsm", "conference"),
        rule="branch",
        title="Extraordinary conference on the strike ban",
        grounds=GROUNDS,
    )
    assert made.status is RequisitionStatus.REACHED and made.notice_days == 28
    # Four weeks' notice.
    with pytest.raises(Invalid, match="28 days' notice") as short:
        requisitions.convene(sid, made, scheduled_for=utcnow() + timedelta(days=20))
    assert short.value.field == "scheduled_for"
    # Not a member without a role, not a branch's secretary, not another body's chair.
    lena = "lena@wsm.example"
    members.add_member(
        person("sam@wsm.example"),
        org("wsm"),
        {"name": "Lena", "email": lena, "unit_id": unit("wsm", "Limerick").id},
    )
    members.assign_role(
        person("sam@wsm.example"),
        org("wsm"),
        {"email": lena, "kind": "secretary", "unit_id": unit("wsm", "Limerick").id},
    )
    when = utcnow() + timedelta(days=30)
    for email in ("mo@wsm.example", lena):
        with pytest.raises(NotAllowed):
            requisitions.convene(person(email), made, scheduled_for=when)
    meeting = requisitions.convene(sid, made, scheduled_for=when)
    assert meeting.kind is MeetingKind.EXTRAORDINARY
    assert meeting.called_by is CalledBy.UNIT_MOTION
    assert meeting.grounds == GROUNDS
    assert meeting.title == "Extraordinary conference on the strike ban"
    assert meeting.requisition is made and made.meeting is meeting
    assert made.status is RequisitionStatus.CONVENED
    assert not meeting.short_notice
    scheduled = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "meeting.scheduled")
    ).all()
    assert scheduled[-1].data["requisition"] == made.id
    with pytest.raises(Conflict, match="scheduled already"):
        requisitions.convene(sid, made, scheduled_for=when)
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == len(scheduled)


def test_a_secretary_cannot_call_a_meeting_no_requisition_demands(app: Flask, demo: None) -> None:
    from voting.meetings.services.meetings import schedule_meeting

    sid = add_secretary()
    add_full_members(23)
    waiting = emergency_by_members()
    when = utcnow() + timedelta(days=3)
    with pytest.raises(Conflict, match="does not have the signatures"):
        requisitions.convene(sid, waiting, scheduled_for=when)
    with pytest.raises(NotAllowed):
        schedule_meeting(
            sid,
            body("wsm", "emergency-council"),
            title="Sneaked in",
            scheduled_for=when,
            kind=MeetingKind.EMERGENCY,
            called_by=CalledBy.PETITION,
            grounds=GROUNDS,
            requisition=waiting,
        )


def test_an_emergency_requisition_calls_an_emergency_meeting_that_first_asks_if_justified(
    app: Flask, demo: None
) -> None:
    made = requisitions.start_requisition(
        person("dara@wsm.example"),
        body("wsm", "emergency-council"),
        rule="branch_motion",
        title="Emergency council",
        grounds=GROUNDS,
    )
    meeting = requisitions.convene(
        person("sam@wsm.example"), made, scheduled_for=utcnow() + timedelta(days=2)
    )
    assert meeting.kind is MeetingKind.EMERGENCY and meeting.called_by is CalledBy.UNIT_MOTION
    assert meeting.items[0].is_justification and GROUNDS in meeting.items[0].description


def test_awl_national_committee_is_to_meet_within_a_week(
    app: Flask, demo: None, mailbox: Any
) -> None:
    committee = body("awl", "national-committee")
    ola = person("ola@awl.example")
    made = requisitions.start_requisition(
        ola, committee, rule="committee_members", title="NC now", grounds=GROUNDS
    )
    # Ola is the committee's only member: one in four of one is one.
    assert made.status is RequisitionStatus.REACHED
    assert made.convene_by is not None
    assert made.convene_by - made.reached_at == timedelta(days=7)
    assert "The meeting is to be held by" in mailbox.messages[0].get_content()
    with pytest.raises(Invalid, match="held by") as late:
        requisitions.convene(ola, made, scheduled_for=utcnow() + timedelta(days=8))
    assert late.value.field == "scheduled_for"
    meeting = requisitions.convene(ola, made, scheduled_for=utcnow() + timedelta(days=5))
    assert meeting.called_by is CalledBy.PETITION
    # Fay is a full member but not on the committee.
    with pytest.raises(NotAllowed, match="members of this body"):
        requisitions.start_requisition(
            person("fay@awl.example"), committee, rule="committee_members", title="N", grounds="G"
        )


def test_members_of_the_organisation_see_its_requisitions_others_do_not(
    app: Flask, demo: None
) -> None:
    add_full_members(23)
    made = emergency_by_members()
    assert requisitions.list_requisitions(person("lapsed@wsm.example"), org("wsm")) == [made]
    with pytest.raises(NotFound):
        requisitions.list_requisitions(person("aoife@isn.example"), org("wsm"))
    assert requisitions.list_requisitions(person("nia@isn.example"), org("isn")) == []


# --- The API, through the same services ------------------------------------------------------


def test_the_api_starts_signs_refuses_and_calls_the_meeting(
    app: Flask, client: FlaskClient, demo: None
) -> None:
    add_full_members(23)
    start = client.post(
        "/api/v1/organisations/wsm/requisitions",
        json={
            "body": "emergency-council",
            "rule": "members",
            "title": "Emergency council",
            "grounds": GROUNDS,
        },
        headers=bearer("mo@wsm.example"),
    )
    assert start.status_code == 201, start.text
    made = start.get_json()
    assert (made["signatures"], made["needed"], made["eligible"]) == (1, 3, 30)
    assert made["remaining"] == 2
    path = f"/api/v1/requisitions/{made['id']}"

    again = client.post(f"{path}/signatures", json={}, headers=bearer("mo@wsm.example"))
    assert again.status_code == 409
    assert again.get_json()["error"]["message"] == "You have already signed this requisition."
    outsider = client.get(path, headers=bearer("aoife@isn.example"))
    assert outsider.status_code == 404
    lapsed = client.post(f"{path}/signatures", json={}, headers=bearer("lapsed@wsm.example"))
    assert lapsed.status_code == 403
    read_only = client.post(
        f"{path}/signatures", json={}, headers=bearer("gwen@wsm.example", ("read",))
    )
    assert read_only.status_code == 403

    for email in ("gwen@wsm.example", "gal@wsm.example"):
        signed = client.post(f"{path}/signatures", json={}, headers=bearer(email))
        assert signed.status_code == 201, signed.text
    assert signed.get_json()["status"] == "reached"
    assert [s["name"] for s in signed.get_json()["signed"]] == [
        "Mo Member",
        "Gwen Delegate",
        "Gal Delegate",
    ]
    when = (utcnow() + timedelta(days=3)).isoformat()
    refused = client.post(
        f"{path}/meeting", json={"scheduled_for": when}, headers=bearer("mo@wsm.example")
    )
    assert refused.status_code == 403
    called = client.post(
        f"{path}/meeting", json={"scheduled_for": when}, headers=bearer("sam@wsm.example")
    )
    assert called.status_code == 201, called.text
    meeting_id = called.get_json()["meeting"]
    state = client.get(f"/api/v1/meetings/{meeting_id}", headers=bearer("mo@wsm.example"))
    assert state.get_json()["requisition"] == made["id"]


def test_the_api_refuses_bad_input_with_its_field(
    app: Flask, client: FlaskClient, demo: None
) -> None:
    headers = bearer("mo@wsm.example")
    url = "/api/v1/organisations/wsm/requisitions"
    base = {"body": "emergency-council", "rule": "members", "title": "E", "grounds": GROUNDS}
    unknown = client.post(url, json={**base, "body": "nowhere"}, headers=headers)
    assert unknown.status_code == 404
    assert unknown.get_json()["error"]["message"] == "No such body."
    long = client.post(url, json={**base, "grounds": "x" * 2001}, headers=headers)
    assert long.status_code == 422 and long.get_json()["error"]["field"] == "grounds"
    empty = client.post(url, json={**base, "grounds": ""}, headers=headers)
    assert empty.status_code == 422 and empty.get_json()["error"]["field"] == "grounds"
    other = client.post(
        "/api/v1/organisations/isn/requisitions", json={**base, "body": "nmm"}, headers=headers
    )
    assert other.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Requisition)) == 0


# --- The pages ---------------------------------------------------------------------------------


def test_pages_start_sign_show_the_count_and_call_the_meeting(
    live: Flask, signed_in: Callable[[str], FlaskClient], mailbox: Any
) -> None:
    add_full_members(23)
    mo = signed_in("mo@wsm.example")
    page = mo.get("/org/wsm/requisitions")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Emergency Delegate Council: 10% of members" in html
    assert "A third of delegates" not in html  # Mo is no delegate

    started = mo.post(
        "/org/wsm/requisitions",
        data={
            "rule": "emergency-council/members",
            "title": "Emergency council",
            "grounds": GROUNDS,
        },
    )
    assert started.status_code == 303
    location = started.headers["Location"]
    html = mo.get(location).get_data(as_text=True)
    assert "1 of 30 members have signed; 2 more needed." in html
    assert "Counted against those who could sign when the requisition started" in html
    assert "Withdraw my signature" in html
    count = mo.get(f"{location}/count").get_data(as_text=True)
    assert "hx-get" in count and "1 of 30 members" in count

    bad = mo.post(
        "/org/wsm/requisitions",
        data={"rule": "emergency-council/members", "title": "E", "grounds": ""},
    )
    assert bad.status_code == 422
    assert "This is needed." in bad.get_data(as_text=True)

    for email in ("gwen@wsm.example", "gal@wsm.example"):
        signer = signed_in(email)
        assert "Sign</button>" in signer.get(location).get_data(as_text=True)
        assert signer.post(f"{location}/sign").status_code == 303
    html = mo.get(location).get_data(as_text=True)
    assert "Threshold reached" in html and "hx-get" not in html
    assert "Call the meeting" not in html  # Mo is no secretary
    assert len(mailbox.messages) == 1

    outsider = signed_in("aoife@isn.example")
    assert outsider.get(location).status_code == 404

    sam = signed_in("sam@wsm.example")
    assert "Call the meeting" in sam.get(location).get_data(as_text=True)
    when = (utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    called = sam.post(f"{location}/meeting", data={"scheduled_for": when, "title": ""})
    assert called.status_code == 303
    console = sam.get(called.headers["Location"]).get_data(as_text=True)
    assert "Called by requisition:" in console and "Emergency council" in console
    assert location.rsplit("/", 1)[-1] in console
    html = mo.get(location).get_data(as_text=True)
    assert "Meeting called" in html


def test_the_rules_are_data_an_admin_edits_in_the_body_settings_form(
    live: Flask, signed_in: Callable[[str], FlaskClient]
) -> None:
    sam = signed_in("sam@wsm.example")
    url = "/admin/wsm/bodies/emergency-council"
    page = sam.get(url).get_data(as_text=True)
    form = form_values(page, "decision.fraction")
    before = body("wsm", "emergency-council").settings_data
    assert sam.post(url, data=form).status_code == 303  # unchanged: nothing changes
    db.session.expire_all()
    assert body("wsm", "emergency-council").settings_data == before

    assert form["requisitions[1].name"] == "members"
    assert form["requisitions[1].share"] == "1/10"
    form["requisitions[1].share"] = "1/5"
    assert sam.post(url, data=form).status_code == 303
    db.session.expire_all()
    add_full_members(23)
    made = emergency_by_members()
    assert (made.eligible, made.needed, made.share) == (30, 6, "1/5")
