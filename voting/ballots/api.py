"""API: a poll's own operations, whatever its subject (a question put to a body, a poll at
a meeting): read, preview, open, vote, close, annul, the published trackers; votes cast
before a meeting (ballot papers, written votes); and polls put to a body's members
directly. A vote's response comes after its commit: an
acknowledged vote is stored.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _

from voting.ballots import forms
from voting.ballots.electorates import electorate_of
from voting.ballots.models import Poll, PollMode
from voting.ballots.services import entitlements, polls, precast
from voting.core import batch, throttle
from voting.core.api import api_person, int_field, json_body, operation, text_field
from voting.core.errors import Invalid, NotAllowed, NotFound, ServiceError
from voting.org.services.bodies import body_in
from voting.org.services.organisations import by_slug

TAG = "polls"
POLL = {"type": "object", "description": "A poll: question, mode, status, progress, result"}


def _poll(poll_id: int) -> Poll:
    return polls.close_if_due(polls.get_poll(poll_id))


def _readable(poll_id: int) -> Poll:
    """The poll, if the caller may read it (another organisation's poll is not found)."""
    poll = polls.get_poll(poll_id)
    electorate_of(poll).require_reader(api_person())
    return polls.close_if_due(poll)


def poll_json(poll: Poll) -> dict[str, Any]:
    """A poll as API clients see it (the result once closed; never a secret voter's choice)."""
    progress = polls.progress(poll)
    return {
        "id": poll.id,
        "body": poll.body_id,
        "subject": poll.subject,
        **electorate_of(poll).subject_json(),
        "question": poll.question,
        "choices": poll.choices,
        "form": poll.form.value,
        "seats": poll.seats,
        "mode": poll.mode.value,
        "special": poll.special,
        "status": poll.status.value,
        "tellers": poll.tellers,
        "tellers_needed": poll.tellers_needed,
        "waiting_for_tellers": polls.waiting_for_tellers(poll),
        "closes_at": poll.closes_at.isoformat() if poll.closes_at else None,
        "annul_reason": poll.annul_reason or None,
        "rerun_of": poll.rerun_of_id,
        "precast_until": poll.precast_until.isoformat() if poll.precast_until else None,
        "progress": {
            "voters": progress.voters,
            "voters_total": progress.voters_total,
            "weight": progress.weight,
            "weight_total": progress.weight_total,
            "text": progress.sentence(),
        },
        "result": (
            {
                **{k: v for k, v in poll.result.items() if k != "messages"},
                "sentences": polls.result_sentences(poll),
            }
            if poll.result
            else None
        ),
    }


@operation(
    "/organisations/<slug>/bodies/<body_slug>/polls",
    "POST",
    summary="Put a question to the body's members directly (chair, secretary or admin)",
    tag=TAG,
    scope="chair",
    request={
        "type": "object",
        "properties": {
            "question": {"type": "string"},
            "mode": {"type": "string", "enum": [m.value for m in PollMode]},
            "choices": {"type": "array", "items": {"type": "string"}},
            "special": {"type": "string"},
            "minutes": {"type": "integer"},
        },
        "required": ["question"],
    },
    response=POLL,
    status=201,
)
def create_body_poll(slug: str, body_slug: str) -> dict[str, Any]:
    data = json_body()
    org = by_slug(slug)
    if org is None:
        raise NotFound(_("No such organisation."))
    body = body_in(org, body_slug)
    try:
        mode = PollMode(data.get("mode", "open"))
    except ValueError:
        raise Invalid(_("Check the mode of the poll."), field="mode") from None
    choices = data.get("choices")
    if choices is not None and (
        not isinstance(choices, list) or not all(isinstance(c, str) for c in choices)
    ):
        raise Invalid(_("choices must be a list of texts."), field="choices")
    poll = polls.create_poll(
        api_person(),
        body,
        question=text_field(data, "question"),
        mode=mode,
        choices=choices,
        special=text_field(data, "special"),
        minutes=int_field(data, "minutes"),
    )
    return poll_json(poll)


@operation("/polls/<int:poll_id>", "GET", summary="A poll and its progress", tag=TAG, response=POLL)
def get(poll_id: int) -> dict[str, Any]:
    return poll_json(_readable(poll_id))


@operation(
    "/polls/<int:poll_id>/preview",
    "GET",
    summary="Who would hold what if the poll opened now, and privacy warnings (chair)",
    tag=TAG,
)
def preview(poll_id: int) -> dict[str, Any]:
    result = polls.preview_poll(api_person(), _poll(poll_id))
    return {
        "lines": result.lines(),
        "entitled": result.result.entitled,
        "privacy_warnings": result.warnings(),
    }


@operation(
    "/polls/<int:poll_id>/open",
    "POST",
    summary="Open the poll: snapshot the entitlements; a secret poll gets its key and its "
    "teller keys (chair)",
    tag=TAG,
    scope="chair",
    request={
        "type": "object",
        "properties": {
            "confirm_privacy": {"type": "boolean"},
            "tellers": {"type": "integer", "description": "Teller keys made (secret polls)"},
            "tellers_needed": {"type": "integer", "description": "How many of them count it"},
        },
    },
    response=POLL,
)
def open_poll(poll_id: int) -> dict[str, Any]:
    data = json_body()
    tellers = int_field(data, "tellers") or 1
    poll = polls.open_poll(
        api_person(),
        _poll(poll_id),
        confirm_privacy=data.get("confirm_privacy") is True,
        tellers=tellers,
        tellers_needed=int_field(data, "tellers_needed") or 1,
    )
    return poll_json(poll)


@operation(
    "/polls/<int:poll_id>/teller-keys/<int:number>",
    "POST",
    summary="Show teller key `number` of an open secret poll, once (chair)",
    tag=TAG,
    scope="chair",
    response={
        "type": "object",
        "properties": {"number": {"type": "integer"}, "key": {"type": "string"}},
    },
)
def teller_key(poll_id: int, number: int) -> dict[str, Any]:
    key = polls.show_teller_key(api_person(), _poll(poll_id), number)
    return {"number": number, "key": key}


@operation(
    "/polls/<int:poll_id>/teller-keys",
    "POST",
    summary="Give the tellers' keys of a secret poll whose key is no longer in memory "
    "(after a restart): it goes on, or is counted if it had closed (chair)",
    tag=TAG,
    scope="chair",
    request={
        "type": "object",
        "properties": {"keys": {"type": "array", "items": {"type": "string"}}},
        "required": ["keys"],
    },
    response=POLL,
)
def give_teller_keys(poll_id: int) -> dict[str, Any]:
    keys = json_body().get("keys")
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise Invalid(_("keys must be a list of texts."), field="keys")
    return poll_json(polls.give_teller_keys(api_person(), _poll(poll_id), keys[:20]))


@operation(
    "/polls/<int:poll_id>/close",
    "POST",
    summary="Close and count (chair)",
    tag=TAG,
    scope="chair",
    response=POLL,
)
def close(poll_id: int) -> dict[str, Any]:
    return poll_json(polls.close_poll(api_person(), _poll(poll_id)))


@operation(
    "/polls/<int:poll_id>/annul",
    "POST",
    summary="Annul a poll with a reason; optionally prepare it again (chair)",
    tag=TAG,
    scope="chair",
    request={
        "type": "object",
        "properties": {"reason": {"type": "string"}, "rerun": {"type": "boolean"}},
        "required": ["reason"],
    },
    response=POLL,
)
def annul(poll_id: int) -> dict[str, Any]:
    data = json_body()
    made = polls.annul_poll(
        api_person(), _poll(poll_id), text_field(data, "reason"), rerun=data.get("rerun") is True
    )
    return poll_json(made)


@operation(
    "/polls/<int:poll_id>/mine",
    "GET",
    summary="The votes you hold in the poll, with their reasons",
    tag=TAG,
)
def mine(poll_id: int) -> dict[str, Any]:
    poll = _readable(poll_id)
    person = api_person()
    held = entitlements.holdings_of(poll, person)
    used = polls.used_keys(poll)
    return {
        "holdings": [
            {
                "key": h.voter_key,
                "weight": h.weight,
                "reason": entitlements.text_of(h.reason),
                "instruction": h.instruction,
                "mandate": h.mandate,
                "cast": h.voter_key in used,
            }
            for h in held
        ],
        "refusals": entitlements.refusals_of(poll, person) if not held else [],
    }


@operation(
    "/polls/<int:poll_id>/votes",
    "POST",
    summary="Cast your votes: all alike, per holding (keys), or split",
    tag=TAG,
    scope="vote",
    request={
        "type": "object",
        "properties": {
            "choice": {"type": "string"},
            "ranking": {
                "type": "array",
                "items": {"type": ["string", "integer"]},
                "description": "An election: the candidates (names, or numbers from 1) in "
                "order of preference, or those approved; [] is a blank ballot",
            },
            "keys": {"type": "array", "items": {"type": "string"}},
            "split": {"type": "object", "additionalProperties": {"type": "integer"}},
            "confirm_against_mandate": {"type": "boolean"},
        },
    },
    response={
        "type": "object",
        "properties": {
            "keys": {"type": "array", "items": {"type": "string"}},
            "tracker": {"type": ["string", "null"]},
            "already": {"type": "boolean"},
            "against": {"type": "array", "items": {"type": "string"}},
        },
    },
    status=201,
)
def vote(poll_id: int) -> dict[str, Any]:
    data = json_body()
    keys, split = data.get("keys"), data.get("split")
    if keys is not None and (
        not isinstance(keys, list) or not all(isinstance(k, str) for k in keys)
    ):
        raise Invalid(_("keys must be a list of texts."), field="keys")
    if split is not None and (
        not isinstance(split, dict)
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in split.values())
    ):
        raise Invalid(_("split gives a whole number of votes per choice."), field="split")
    throttle.vote_allowed(api_person())
    poll = _poll(poll_id)
    choice = data.get("choice") if isinstance(data.get("choice"), str) else None
    if poll.is_election and "ranking" in data:
        if not isinstance(data["ranking"], list):
            raise Invalid(_("ranking lists the candidates."), field="ranking")
        choice = forms.from_list(poll, data["ranking"])
    receipt = batch.call(  # through the group commit, like the phones
        polls.cast,
        api_person(),
        poll,
        choice=choice,
        split=split,
        keys=keys,
        confirm_against_mandate=data.get("confirm_against_mandate") is True,
    )
    return {
        "keys": receipt.keys,
        "tracker": receipt.tracker,
        "already": receipt.already,
        "against": receipt.against,
    }


@operation(
    "/polls/<int:poll_id>/trackers",
    "GET",
    summary="After a secret poll: the tracker hashes (sorted) and the choices (shuffled), "
    "apart (for those who may read the poll)",
    tag=TAG,
)
def trackers(poll_id: int) -> dict[str, Any]:
    poll = _readable(poll_id)
    return {"trackers": polls.published_trackers(poll), "choices": polls.published_choices(poll)}


# --- Votes cast before the meeting: ballot papers and written votes ---------------------------


def _when(data: dict[str, Any], key: str) -> datetime:
    try:
        when = datetime.fromisoformat(text_field(data, key))
    except ValueError:
        raise Invalid(_("Give a date and time such as 2025-03-01T18:00."), field=key) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def precast_json(poll: Poll) -> dict[str, Any]:
    found = precast.summary(poll)
    return {
        "poll": poll.id,
        "until": found.until.isoformat() if found.until else None,
        "open": found.open,
        "rule": precast.rule_of(poll).value,
        "rule_text": found.rule,
        "papers": [
            {"unit": u.unit, "issued": u.issued, "returned": u.returned} for u in found.units
        ],
        "written": found.written,
    }


PRECAST = {"type": "object", "description": "The votes a poll takes before the meeting"}
CODE_AND_CHOICE = {
    "type": "object",
    "properties": {"code": {"type": "string"}, "choice": {"type": "string"}},
    "required": ["code", "choice"],
}


@operation(
    "/polls/<int:poll_id>/precast",
    "POST",
    summary="Let a draft poll at a meeting take votes before it (ballot papers, written "
    "votes) until a date; a secret poll gets its key and teller keys now (chair, secretary)",
    tag=TAG,
    scope="chair",
    request={
        "type": "object",
        "properties": {
            "until": {"type": "string", "description": "ISO date and time (UTC if no zone)"},
            "tellers": {"type": "integer", "description": "Teller keys made (secret polls)"},
            "tellers_needed": {"type": "integer", "description": "How many of them count it"},
        },
        "required": ["until"],
    },
    response=PRECAST,
)
def open_precast(poll_id: int) -> dict[str, Any]:
    data = json_body()
    poll = precast.open_window(
        api_person(),
        _poll(poll_id),
        _when(data, "until"),
        tellers=int_field(data, "tellers") or 1,
        tellers_needed=int_field(data, "tellers_needed") or 1,
    )
    return precast_json(poll)


@operation(
    "/polls/<int:poll_id>/precast",
    "GET",
    summary="The votes cast before the meeting so far: papers per unit, written votes, the "
    "rule, the tellers' entries that differ (chair, secretary, tellers)",
    tag=TAG,
    response=PRECAST,
)
def get_precast(poll_id: int) -> dict[str, Any]:
    poll = _readable(poll_id)
    if not precast.may_enter(api_person(), poll):
        raise NotAllowed(_("Only a teller, the chair or the secretary can see this."))
    return {
        **precast_json(poll),
        "mismatches": [
            {"paper": m.label, "tellers": m.tellers} for m in precast.mismatches(api_person(), poll)
        ],
    }


@operation(
    "/polls/<int:poll_id>/papers",
    "POST",
    summary="Issue the ballot papers: one per vote each unit holds, each with a one-time code "
    "given this once (chair, secretary)",
    tag=TAG,
    scope="chair",
    response={
        "type": "object",
        "properties": {"papers": {"type": "array", "items": {"type": "object"}}},
    },
    status=201,
)
def issue_papers(poll_id: int) -> dict[str, Any]:
    papers = precast.issue_papers(api_person(), _poll(poll_id))
    return {
        "papers": [{"unit": p.unit, "number": p.number, "of": p.of, "code": p.code} for p in papers]
    }


@operation(
    "/polls/<int:poll_id>/papers/entries",
    "POST",
    summary="A teller enters a paper received by post; it counts when a second teller's "
    "entry agrees (tellers, chair, secretary)",
    tag=TAG,
    scope="chair",
    request=CODE_AND_CHOICE,
    response={
        "type": "object",
        "properties": {
            "outcome": {"type": "string", "enum": ["waiting", "counted", "mismatch"]},
            "message": {"type": "string"},
            "tellers": {"type": "array", "items": {"type": "string"}},
        },
    },
)
def enter_paper(poll_id: int) -> dict[str, Any]:
    data = json_body()
    entry = precast.enter_paper(
        api_person(), _poll(poll_id), text_field(data, "code"), text_field(data, "choice")
    )
    return {"outcome": entry.outcome, "message": entry.sentence(), "tellers": entry.others}


@operation(
    "/polls/<int:poll_id>/papers/return",
    "POST",
    summary="Return a ballot paper with its code, before the date papers are due (no token: "
    "the code is the key; wrong codes are limited per address)",
    tag=TAG,
    auth=False,
    request=CODE_AND_CHOICE,
    response={
        "type": "object",
        "properties": {"paper": {"type": "string"}, "tracker": {"type": ["string", "null"]}},
    },
    status=201,
)
def return_paper(poll_id: int) -> dict[str, Any]:
    throttle.code_allowed()
    data = json_body()
    try:
        receipt = precast.return_paper(
            _poll(poll_id), text_field(data, "code"), text_field(data, "choice")
        )
    except ServiceError as error:
        if error.field == "code":
            throttle.code_failed()
        raise
    return {"paper": receipt.label, "tracker": receipt.tracker}


@operation(
    "/polls/<int:poll_id>/written-votes",
    "POST",
    summary="Vote in writing before the meeting (members who vote only in writing or by proxy)",
    tag=TAG,
    scope="vote",
    request={
        "type": "object",
        "properties": {"choice": {"type": "string"}},
        "required": ["choice"],
    },
    response={
        "type": "object",
        "properties": {"tracker": {"type": ["string", "null"]}, "already": {"type": "boolean"}},
    },
    status=201,
)
def cast_in_writing(poll_id: int) -> dict[str, Any]:
    receipt = precast.cast_in_writing(
        api_person(), _poll(poll_id), text_field(json_body(), "choice")
    )
    return {"tracker": receipt.tracker, "already": receipt.already}
