"""A closed meeting reopens when its chair says why (a count to correct, an item left
out): in session again, audited with the reason, on every screen; refused without a
reason, twice, by someone who does not chair it, and once its minutes are approved."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.fixtures.floor import WSM_CHAIR
from tests.fixtures.people import bearer, person, sign_in
from voting.core.audit import AuditEvent
from voting.core.errors import Conflict, Invalid, NotAllowed
from voting.core.extensions import db
from voting.meetings.models import MeetingStatus
from voting.meetings.services import meetings
from voting.record.models import MinutesStatus
from voting.record.services import minutes


def test_the_chair_reopens_a_closed_meeting_saying_why(wsm) -> None:
    meetings.close_meeting(person(WSM_CHAIR), wsm)
    with pytest.raises(Invalid, match="Say why the meeting reopens"):
        meetings.reopen_meeting(person(WSM_CHAIR), wsm, "  ")
    with pytest.raises(Invalid, match="at most 500"):
        meetings.reopen_meeting(person(WSM_CHAIR), wsm, "x" * 501)
    with pytest.raises(NotAllowed):
        meetings.reopen_meeting(person("gal@wsm.example"), wsm, "I want to")
    assert wsm.status is MeetingStatus.CLOSED

    meetings.reopen_meeting(person(WSM_CHAIR), wsm, "The count of Galway's votes was wrong")
    assert wsm.status is MeetingStatus.OPEN and wsm.closed_at is None
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "meeting.reopened")
    ).one()
    assert event.data["reason"] == "The count of Galway's votes was wrong"
    with pytest.raises(Conflict, match="not closed"):
        meetings.reopen_meeting(person(WSM_CHAIR), wsm, "Again")
    # Closed again, it waits for one approval of its minutes, not two.
    meetings.close_meeting(person(WSM_CHAIR), wsm)
    assert minutes.minutes_of(wsm).status is MinutesStatus.DRAFT


def test_approved_minutes_keep_the_meeting_closed(wsm) -> None:
    meetings.close_meeting(person(WSM_CHAIR), wsm)
    written = minutes.minutes_of(wsm)
    written.status = MinutesStatus.APPROVED
    db.session.commit()
    with pytest.raises(Conflict, match="minutes of this meeting are approved"):
        meetings.reopen_meeting(person(WSM_CHAIR), wsm, "A count to correct")
    db.session.refresh(wsm)
    assert wsm.status is MeetingStatus.CLOSED


def test_the_console_and_the_api_reopen_it(wsm, live) -> None:
    meetings.close_meeting(person(WSM_CHAIR), wsm)
    chair = live.test_client()
    sign_in(chair, WSM_CHAIR)
    console = chair.get(f"/meetings/{wsm.id}/chair").get_data(as_text=True)
    assert f'action="/meetings/{wsm.id}/reopen"' in console
    refused = chair.post(f"/meetings/{wsm.id}/reopen", data={"reason": ""})
    assert refused.status_code == 303 and wsm.status is MeetingStatus.CLOSED
    assert "Say why the meeting reopens" in chair.get(refused.location).get_data(as_text=True)
    chair.post(f"/meetings/{wsm.id}/reopen", data={"reason": "An item was left out"})
    db.session.refresh(wsm)
    assert wsm.status is MeetingStatus.OPEN

    meetings.close_meeting(person(WSM_CHAIR), wsm)
    api = live.test_client()
    url = f"/api/v1/meetings/{wsm.id}/reopen"
    assert api.post(url, json={}, headers=bearer(WSM_CHAIR)).status_code == 422
    assert api.post(url, json={"reason": "Quorum"}, headers=bearer(WSM_CHAIR)).status_code == 200
    again = api.post(url, json={"reason": "Quorum"}, headers=bearer(WSM_CHAIR))
    assert again.status_code == 409 and "not closed" in again.get_json()["error"]["message"]


def test_a_closed_meetings_console_offers_no_item_actions_but_reopening(wsm, live) -> None:
    meetings.close_meeting(person(WSM_CHAIR), wsm)
    chair = live.test_client()
    sign_in(chair, WSM_CHAIR)
    console = chair.get(f"/meetings/{wsm.id}/chair").get_data(as_text=True)
    assert "Open discussion" not in console and "Reopen the meeting" in console
    meetings.reopen_meeting(person(WSM_CHAIR), wsm, "An item was left out")
    console = chair.get(f"/meetings/{wsm.id}/chair").get_data(as_text=True)
    assert "Reopen the meeting" not in console and "Close the meeting" in console
