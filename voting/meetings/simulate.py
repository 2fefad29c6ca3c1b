"""Simulated members for trying a live meeting alone: each is a Socket.IO client, signed in
like a phone, that raises hands, answers tests for agreement and votes, with some randomness.
"""

from __future__ import annotations

import json
import random
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

import socketio
from flask import Flask

from voting.meetings.models import Meeting
from voting.membership.models import Person
from voting.membership.services.accounts import create_api_token, start_session

# How simulated members answer a test for agreement, and how likely a hand goes up.
ANSWER_WEIGHTS = {"agree": 70, "reservations": 15, "stand_aside": 10, "block": 5}
HAND_CHANCE = 0.3
# How simulated members vote on a yes/no/abstain poll; other polls: any choice alike.
VOTE_WEIGHTS = {"yes": 60, "no": 30, "abstain": 10}
VIEWPOINTS = ("for", "against", "")


def session_cookie(app: Flask, person: Person) -> str:
    """A signed session for `person`, as their browser would hold after signing in."""
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    assert serializer is not None, "the app needs a SECRET_KEY"
    return serializer.dumps({"_user_id": start_session(person), "_fresh": True})


def check_in_token(person: Person) -> str:
    """A day's API token of `person` that may act as a member (to check in)."""
    return create_api_token(person, "simulated phone", scopes=["vote"], days=1)[1]


@dataclass
class SimulatedMember:
    url: str
    cookie_name: str
    cookie: str
    meeting_id: int
    speed: float
    rng: random.Random
    # With a token and the meeting's code, the member checks in through the server first.
    token: str = ""
    code: str = ""
    answered: set[int] = field(default_factory=set)
    hands: set[int] = field(default_factory=set)
    voted: set[int] = field(default_factory=set)
    client: socketio.Client = field(default_factory=lambda: socketio.Client(reconnection=True))

    def check_in(self) -> None:
        """Check in through the server's API, as a phone with the meeting's link does; a
        refusal (the meeting closed, already checked in) is said and the member goes on."""
        request = urllib.request.Request(
            f"{self.url.rstrip('/')}/api/v1/meetings/{self.meeting_id}/check-in",
            data=json.dumps({"code": self.code}).encode(),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10):
                pass
        except urllib.error.HTTPError as error:
            print(f"check-in refused: {error.code} {error.read()[:200]!r}")

    def start(self) -> None:
        if self.token:
            self.check_in()
        self.client.on("state", self.on_state)
        self.client.on("connect", self.join)
        self.client.connect(
            self.url,
            headers={"Cookie": f"{self.cookie_name}={self.cookie}"},
            transports=["websocket"],
            wait_timeout=10,
        )

    def join(self) -> None:
        self.client.emit("join", {"meeting": self.meeting_id, "view": "state"})

    def later(self, seconds: float, action: Any, *args: Any) -> None:
        timer = threading.Timer(seconds / self.speed, action, args)
        timer.daemon = True
        timer.start()

    def on_state(self, state: dict[str, Any]) -> None:
        test = state.get("consensus")
        if test and test["open"] and test["test"] not in self.answered:
            self.answered.add(test["test"])
            self.later(self.rng.uniform(2, 25), self.answer, test["test"])
        poll = state.get("poll")
        if poll and poll["poll"] not in self.voted:
            self.voted.add(poll["poll"])
            self.later(self.rng.uniform(1, 20), self.vote, poll["poll"], poll["choices"])
        item = state.get("item")
        if item and item["id"] not in self.hands:
            self.hands.add(item["id"])  # each member decides once per item
            if self.rng.random() < HAND_CHANCE:
                self.later(self.rng.uniform(1, 40), self.raise_hand, item["id"])

    def answer(self, test_id: int) -> None:
        response = self.rng.choices(list(ANSWER_WEIGHTS), weights=list(ANSWER_WEIGHTS.values()))[0]
        reason = "" if response == "agree" else "a simulated reason"
        self.client.emit("answer", {"test": test_id, "response": response, "reason": reason})

    def vote(self, poll_id: int, choices: list[str]) -> None:
        """Vote all holdings alike; a member without a vote in this poll is simply refused."""
        weights = [VOTE_WEIGHTS.get(choice, 1) for choice in choices]
        choice = self.rng.choices(choices, weights=weights)[0]
        self.client.emit("vote", {"poll": poll_id, "choice": choice})

    def raise_hand(self, item_id: int) -> None:
        kind = "point_of_order" if self.rng.random() < 0.05 else "contribution"
        viewpoint = self.rng.choice(VIEWPOINTS)
        self.client.emit("raise_hand", {"item": item_id, "kind": kind, "viewpoint": viewpoint})


def run(
    app: Flask,
    meeting: Meeting,
    people: list[Person],
    *,
    url: str,
    seconds: float,
    speed: float = 1.0,
    seed: int | None = None,
    check_in: bool = False,
) -> int:
    """Connect one simulated phone per person and let them act for `seconds`; with
    `check_in`, each first checks in through the server."""
    rng = random.Random(seed)
    cookie_name = app.config.get("SESSION_COOKIE_NAME", "session")
    members = [
        SimulatedMember(
            url=url,
            cookie_name=cookie_name,
            cookie=session_cookie(app, person),
            meeting_id=meeting.id,
            speed=speed,
            rng=random.Random(rng.random()),
            token=check_in_token(person) if check_in else "",
            code=meeting.join_code if check_in else "",
        )
        for person in people
    ]
    connected = 0
    for member in members:
        member.start()
        connected += 1
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        for member in members:
            member.client.disconnect()
    return connected
