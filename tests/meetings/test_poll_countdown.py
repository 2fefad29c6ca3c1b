"""A vote that closes by itself shows the time left as a countdown on the meeting's
screens, and the moment in the reader's own time zone on the poll's chair page."""

from __future__ import annotations

import re

from tests.fixtures.people import person
from voting.ballots.services import polls
from voting.meetings.models import PollKind
from voting.meetings.services import agenda, floor

CHAIR = "chris@wri.example"


def _timed_poll(conference, minutes: int):  # type: ignore[no-untyped-def]
    chair = person(CHAIR)
    item = next(i for i in conference.items if i.motions)
    agenda.open_item(chair, item)
    poll = floor.create_poll(
        chair,
        conference,
        question="Close the speakers' list?",
        kind=PollKind.PROCEDURAL,
        item=item,
        minutes=minutes,
    )
    polls.open_poll(chair, poll, confirm_privacy=True)
    return poll


def test_the_screens_count_down_to_the_close_and_the_chair_page_gives_the_local_moment(
    conference, signed_in
) -> None:
    poll = _timed_poll(conference, 5)
    deadline = poll.closes_at.isoformat()
    projector = signed_in(CHAIR).get(f"/meetings/{conference.id}/projector").text
    countdown = re.search(
        r'<time class="countdown" data-deadline="([^"]+)" datetime="[^"]+">(\d+):(\d\d)</time>',
        projector,
    )
    assert countdown, "no countdown on the projector"
    assert countdown.group(1) == deadline
    left = int(countdown.group(2)) * 60 + int(countdown.group(3))
    assert 4 * 60 < left <= 5 * 60
    assert "UTC" not in projector.split('class="countdown"')[0].rsplit("<p", 1)[-1]

    chair_page = signed_in(CHAIR).get(f"/polls/{poll.id}/chair").text
    assert f'<time datetime="{deadline}" data-local>' in chair_page
    assert "js/local-times.js" in chair_page


def test_the_member_screen_links_proxies_only_where_the_body_has_them(
    conference, awl, signed_in
) -> None:
    """WRI's conference takes no proxies; AWL's conference does."""
    assert not conference.body.settings.proxies.allowed
    assert awl.body.settings.proxies.allowed
    for meeting, email in ((conference, "xavier@wri.example"), (awl, "pat@awl.example")):
        member = signed_in(email)
        member.post(f"/meetings/{meeting.id}/check-in", data={"code": meeting.join_code})
        screen = member.get(f"/meetings/{meeting.id}").text
        linked = f"/meetings/{meeting.id}/proxies" in screen
        assert linked is meeting.body.settings.proxies.allowed, meeting.body.name
