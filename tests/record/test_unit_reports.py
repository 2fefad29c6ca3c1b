"""Reports to the branches after a Delegate Council: linked from the minutes for those
who may read each, and mailed to each branch's secretaries when the council closes,
once, in their own language."""

from __future__ import annotations

from tests.fixtures.floor import WSM_CHAIR, motion_of, open_poll, unit, vote
from tests.fixtures.people import person
from voting.ballots.models import PollMode
from voting.ballots.services import polls
from voting.core.database import transaction
from voting.core.extensions import db
from voting.meetings.services import meetings, representation
from voting.membership.models import Membership, Person, Role, RoleKind
from voting.membership.services import notifications
from voting.record.services import reports

GALWAY_SECRETARY = "gina@wsm.example"


def _galway_secretary(locale: str | None = None) -> Person:
    galway = unit("wsm", "Galway")
    with transaction():
        gina = Person(email=GALWAY_SECRETARY, name="Gina Galway", locale=locale)
        db.session.add(Membership(person=gina, organisation=galway.organisation, unit=galway))
        db.session.add(
            Role(
                person=gina, organisation=galway.organisation, kind=RoleKind.SECRETARY, unit=galway
            )
        )
    return gina


def _council_votes(wsm) -> None:  # type: ignore[no-untyped-def]
    motion = motion_of(wsm)
    representation.record_mandate(person(WSM_CHAIR), unit("wsm", "Galway"), motion, "no")
    poll = open_poll(wsm, WSM_CHAIR, mode=PollMode.NAMED)
    vote(poll, "gal@wsm.example", "yes", confirm_against_mandate=True)
    vote(poll, "gwen@wsm.example", "no")
    vote(poll, "lee@wsm.example", "yes")
    vote(poll, "dara@wsm.example", "no")
    polls.close_poll(person(WSM_CHAIR), poll)


def test_the_branch_secretaries_get_their_report_when_the_council_closes(wsm, mailbox) -> None:
    _galway_secretary()
    _council_votes(wsm)
    assert mailbox.to(GALWAY_SECRETARY) == []  # nothing before the council closes
    meetings.close_meeting(person(WSM_CHAIR), wsm)

    (mail,) = mailbox.to(GALWAY_SECRETARY)
    assert mail["Subject"] == f"Report to Galway: {wsm.title}"
    text = mail.get_content()
    galway = unit("wsm", "Galway")
    assert f"/meetings/{wsm.id}/units/{galway.id}/report" in text
    assert "Votes of your delegates recorded: 2" in text
    assert "Of them against the mandate: 1" in text
    assert "Items taken after the deadline: 1" in text
    # Limerick and Dublin have no secretary of their own: nobody else is mailed a report.
    assert [m["To"] for m in mailbox.messages if m["Subject"].startswith("Report to")] == [
        GALWAY_SECRETARY
    ]

    # Sent again (a second worker, a retry), the report leaves no second time.
    assert reports.send_reports(wsm.id) == 0
    assert len(mailbox.to(GALWAY_SECRETARY)) == 1


def test_a_secretary_who_turned_the_reports_off_gets_none(wsm, mailbox) -> None:
    gina = _galway_secretary()
    notifications.set_preferences(gina, {"unit_report": False})
    _council_votes(wsm)
    meetings.close_meeting(person(WSM_CHAIR), wsm)
    assert mailbox.to(GALWAY_SECRETARY) == []


def test_the_minutes_link_each_report_for_those_who_may_read_it(wsm, signed_in) -> None:
    _galway_secretary()
    _council_votes(wsm)
    meetings.close_meeting(person(WSM_CHAIR), wsm)
    galway, dublin = unit("wsm", "Galway"), unit("wsm", "Dublin")

    secretary = signed_in(GALWAY_SECRETARY).get(f"/meetings/{wsm.id}/minutes")
    page = secretary.get_data(as_text=True)
    assert f"/meetings/{wsm.id}/units/{galway.id}/report" in page
    assert f"/meetings/{wsm.id}/units/{dublin.id}/report" not in page  # not her branch

    chair = signed_in(WSM_CHAIR).get(f"/meetings/{wsm.id}/minutes").get_data(as_text=True)
    for branch in ("Galway", "Limerick", "Dublin"):
        assert f"Report to {branch}" in chair
    report = signed_in(GALWAY_SECRETARY).get(f"/meetings/{wsm.id}/units/{galway.id}/report")
    assert report.status_code == 200 and "voted against the mandate" in report.get_data(
        as_text=True
    )


def test_the_report_is_mailed_in_the_secretarys_own_language(wsm, mailbox) -> None:
    _galway_secretary(locale="fr")
    _council_votes(wsm)
    meetings.close_meeting(person(WSM_CHAIR), wsm)
    (mail,) = mailbox.to(GALWAY_SECRETARY)
    assert mail["Subject"] == f"Compte rendu pour Galway\u00a0: {wsm.title}"
    assert "Report to" not in mail.get_content()
