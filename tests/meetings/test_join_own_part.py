"""Phones joining together: the shared regions are rendered once for the version and the
state is not read again, but each phone's own part (its hand and place, its answer) is
its own."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.fixtures.people import person
from voting.meetings.services import agenda, consensus, speaking

CHAIR = "chris@wri.example"
FIRST, SECOND = "xavier@wri.example", "yusuf@wri.example"


@pytest.fixture
def cached(live):  # type: ignore[no-untyped-def]
    live.config["LIVE_JOIN_CACHE_SECONDS"] = 600  # every join after the first hits the cache
    return live


def _joined(sock: Any, meeting_id: int) -> str:
    sock.get_received()
    assert sock.emit("join", {"meeting": meeting_id, "view": "member"}, callback=True)["ok"]
    (fragments,) = [e["args"][0] for e in sock.get_received() if e["name"] == "fragments"]
    return fragments["html"]


def _own(html: str, region: str) -> str:
    found = re.search(rf'<div id="{region}-\d+" hx-swap-oob="innerHTML">(.*?)</div>', html, re.S)
    assert found, f"no {region} in the fragments"
    return found.group(1)


def test_each_phone_joining_from_the_cache_gets_its_own_hand_and_answer(
    cached, conference, signed_in, socket_for
) -> None:
    first, second = FIRST, SECOND
    pages = {}
    for email in (first, second):
        pages[email] = signed_in(email)
        pages[email].post(
            f"/meetings/{conference.id}/check-in", data={"code": conference.join_code}
        )
    chair = person(CHAIR)
    item = next(i for i in conference.items if i.motions)
    agenda.open_item(chair, item)
    test = consensus.open_test(chair, item.motions[0])
    speaking.raise_hand(person(first), item, "contribution", "")
    speaking.raise_hand(person(second), item, "contribution", "")
    consensus.answer(person(second), test, "block", "Not yet")

    # The first join renders the shared regions; the next ones come from the cache.
    opener = _joined(socket_for(pages[first]), conference.id)
    again_first = _joined(socket_for(pages[first]), conference.id)
    from_cache = _joined(socket_for(pages[second]), conference.id)

    shared = opener.split('<div id="my-answer-')[0]
    assert from_cache.startswith(shared)  # the same shared regions, from the cache
    assert _own(again_first, "my-answer") == _own(opener, "my-answer")
    assert "You have not answered yet." in _own(again_first, "my-answer")
    assert 'data-my-answer="block"' in _own(from_cache, "my-answer")
    assert "Not yet" in _own(from_cache, "my-answer")
    assert "place 1 in the queue" in _own(again_first, "my-hand")
    assert "place 2 in the queue" in _own(from_cache, "my-hand")
