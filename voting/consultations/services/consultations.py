"""Electronic consultations: prepare, open (reading the roll), answer, discuss, extend,
close (once, whoever sees the deadline), reopen, the fallback vote and the outcome.

The roll is read when the consultation opens, not when it closes: "two thirds of all
members" counts everyone on it, and silence is not agreement (unless the body says so).
A member whose membership stops being one that takes part (lapsed, withdrawn) after the
opening can no longer answer; their place on the roll, and any answer they gave, stay.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext, pgettext
from sqlalchemy import case, func, insert, select

from voting.ballots.models import Poll, PollMode, PollStatus
from voting.ballots.services import polls
from voting.ballots.services.entitlements import body_roll, holdings_of
from voting.consultations.models import (
    Answer,
    Change,
    Comment,
    Consultation,
    ConsultationStatus,
    Outcome,
    Participant,
    Participants,
    Reasons,
)
from voting.core import audit, parse
from voting.core import awaiting as awaited
from voting.core.columns import LARGEST_INTEGER, utcnow
from voting.core.database import after_commit, transaction
from voting.core.errors import Conflict, Invalid, NotAllowed, NotFound
from voting.core.extensions import db
from voting.core.parse import parse_moment
from voting.core.permissions import Permission, can, roles_on, signed_in
from voting.membership.models import Membership, Person, RoleKind
from voting.org.body_rules import consensus_settings
from voting.org.models import Body, Unit
from voting.rules.consensus import Response, Status, consensus_outcome

# Prepares and runs a body's consultations: its chair, secretary or admin.
FACILITATE = Permission("facilitate_consultations", frozenset({"chair", "secretary", "admin"}))
# Who answers for a unit: its secretary or one of its delegates (a role held for the unit).
UNIT_VOICES = frozenset({RoleKind.SECRETARY, RoleKind.DELEGATE})
LONGEST = timedelta(days=366)
VOTE_MODES = ("open", "named", "secret")


def get_consultation(consultation_id: Any) -> Consultation:
    found = None
    if isinstance(consultation_id, int) and 0 <= consultation_id <= LARGEST_INTEGER:
        found = db.session.get(Consultation, consultation_id)
    if found is None:
        raise NotFound(_("No such consultation."))
    return found


def may_facilitate(actor: Person | None, body: Body) -> bool:
    return can(actor, FACILITATE, body.organisation_id, body=body)


def require_facilitator(actor: Person | None, consultation: Consultation) -> None:
    _require_facilitator_of(actor, consultation.body)


def _require_facilitator_of(actor: Person | None, body: Body) -> None:
    if not may_facilitate(actor, body):
        raise NotAllowed(_("Only the body's chair or secretary can do this."))


def may_read(actor: Person | None, body: Body) -> bool:
    """Members of the body's organisation (and its facilitators) read its consultations."""
    return signed_in(actor) and (
        actor.is_operator
        or any(m.organisation_id == body.organisation_id for m in actor.memberships)
        or may_facilitate(actor, body)
    )


def require_reader(actor: Person | None, consultation: Consultation) -> None:
    """Another organisation's consultation is not found."""
    if not may_read(actor, consultation.body):
        raise NotFound(_("No such consultation."))


# --- preparing -----------------------------------------------------------------------------


def _settings(
    body: Body, data: dict[str, Any], consultation: Consultation | None
) -> dict[str, Any]:
    """The consultation's fields from a form or an API body (absent keys keep their value)."""
    values: dict[str, Any] = {}
    zone = data.get("time_zone") or None
    if "title" in data or consultation is None:
        values["title"] = parse.parse_text(data.get("title"), "title", limit=parse.TITLE)
    if "proposal" in data or consultation is None:
        values["proposal"] = parse.parse_text(data.get("proposal"), "proposal", limit=parse.TEXT)
    for key in ("opens_at", "closes_at"):
        if key in data or consultation is None:
            if key == "opens_at" and not data.get(key):
                values[key] = utcnow()  # no opening time: it opens at once
            else:
                values[key] = parse_moment(data.get(key), key, zone)
    choices = {
        "participants": tuple(p.value for p in Participants),
        "reasons": tuple(r.value for r in Reasons),
        "vote_mode": VOTE_MODES,
    }
    for key, allowed in choices.items():
        if key in data and data[key] not in (None, ""):
            values[key] = parse.parse_choice(data[key], allowed, key)
    if "participants" in values:
        values["participants"] = Participants(values["participants"])
    if "reasons" in values:
        values["reasons"] = Reasons(values["reasons"])
    for flag in ("results_hidden", "anonymous"):
        if flag in data:
            values[flag] = data[flag] in (True, "1", "on", "true", 1)
    if "vote_days" in data and data["vote_days"] not in (None, ""):
        days = parse.parse_count(data["vote_days"], "vote_days")
        if not 1 <= days <= 90:
            raise Invalid(_("The vote stays open 1 to 90 days."), field="vote_days")
        values["vote_days"] = days
    if values.get("vote_mode") == "named" and not body.settings.named_votes:
        raise Invalid(_("This body does not hold named votes."), field="vote_mode")
    opens = values.get("opens_at", consultation.opens_at if consultation else None)
    closes = values.get("closes_at", consultation.closes_at if consultation else None)
    assert opens is not None and closes is not None
    if closes <= utcnow():
        raise Invalid(_("The closing time has passed already."), field="closes_at")
    if closes <= opens:
        raise Invalid(_("The consultation must close after it opens."), field="closes_at")
    if closes - opens > LONGEST:
        raise Invalid(_("A consultation runs for a year at most."), field="closes_at")
    return values


def create_consultation(actor: Person | None, body: Body, data: dict[str, Any]) -> Consultation:
    """Prepare a consultation of `body`; it opens at its opening time (at once if that has
    come), reading the roll then."""
    _require_facilitator_of(actor, body)
    if not body.settings.remote_voting:
        raise Conflict(_("%(body)s does not decide by electronic consultation.", body=body.name))
    values = _settings(body, data, None)
    if "participants" not in values:
        weighted = body.settings.scheme in ("unit_weights", "delegate_attendance")
        values["participants"] = Participants.UNITS if weighted else Participants.MEMBERS
    with transaction():
        consultation = Consultation(body=body, created_by_id=actor.id if actor else None, **values)
        db.session.add(consultation)
        db.session.flush()
        audit.record(
            "consultation.created",
            actor=actor,
            organisation_id=body.organisation_id,
            body=body.id,
            consultation=consultation.id,
            title=consultation.title,
            opens_at=consultation.opens_at.isoformat(),
            closes_at=consultation.closes_at.isoformat(),
        )
        if consultation.opens_at <= utcnow():
            _open(consultation, actor)
        else:
            after_commit(_deadline_set)
    return consultation


def update_consultation(
    actor: Person | None, consultation: Consultation, data: dict[str, Any]
) -> Consultation:
    """Change a consultation that has not opened yet (once open, only extend or reopen)."""
    require_facilitator(actor, consultation)
    if consultation.status is not ConsultationStatus.DRAFT:
        raise Conflict(
            _("The consultation is open: extend it, with a reason, rather than change it.")
        )
    values = _settings(consultation.body, data, consultation)
    with transaction():
        for key, value in values.items():
            setattr(consultation, key, value)
        audit.record(
            "consultation.changed",
            actor=actor,
            organisation_id=consultation.body.organisation_id,
            consultation=consultation.id,
            fields=sorted(values),
        )
        if consultation.opens_at <= utcnow():
            _open(consultation, actor)
    return consultation


# --- the roll ------------------------------------------------------------------------------


def voting_membership(person: Person, body: Body) -> Membership | None:
    """`person`'s membership of the body's organisation, if its status votes in the body
    now (a member who lapsed or withdrew after the opening no longer does)."""
    membership = next(
        (m for m in person.memberships if m.organisation_id == body.organisation_id), None
    )
    if membership is None or membership.status.value not in body.settings.vote:
        return None
    return membership


def _read_roll(consultation: Consultation) -> list[dict[str, Any]]:
    """The roll as rows to insert at once (a body may have a hundred thousand members)."""
    body = consultation.body
    if consultation.participants is Participants.UNITS:
        units = db.session.execute(
            select(Unit.id, Unit.name)
            .where(Unit.organisation_id == body.organisation_id)
            .order_by(Unit.name)
        )
        return [{"unit_id": u, "name": name} for u, name in units]
    voting = set(body.settings.vote)
    return [
        {"person_id": person_id, "name": name}
        for person_id, name, status in body_roll(body, utcnow().date())
        if status in voting
    ]


def _open(consultation: Consultation, actor: Person | None) -> None:
    roll = _read_roll(consultation)
    if not roll:
        raise Conflict(_("Nobody is on the roll of %(body)s.", body=consultation.body.name))
    db.session.execute(
        insert(Participant), [{"consultation_id": consultation.id, **row} for row in roll]
    )
    consultation.status = ConsultationStatus.OPEN
    consultation.opened_at = utcnow()
    db.session.flush()
    audit.record(
        "consultation.opened",
        actor=actor,
        organisation_id=consultation.body.organisation_id,
        consultation=consultation.id,
        roll=len(roll),
        participants=consultation.participants.value,
    )
    after_commit(_deadline_set)


def open_consultation(actor: Person | None, consultation: Consultation) -> Consultation:
    """Open now, before the opening time (the facilitator). Opening it again changes nothing."""
    require_facilitator(actor, consultation)
    if consultation.status is ConsultationStatus.OPEN:
        return consultation
    if consultation.status is ConsultationStatus.CLOSED:
        raise Conflict(_("This consultation has closed: reopen it, with a reason."))
    with transaction():
        consultation.opens_at = min(consultation.opens_at, utcnow())
        _open(consultation, actor)
    return consultation


def voices(actor: Person | None, consultation: Consultation) -> list[Participant]:
    """The places on the roll `actor` answers for: their own, or their units'."""
    if not signed_in(actor) or consultation.status is ConsultationStatus.DRAFT:
        return []
    mine = select(Participant).where(Participant.consultation_id == consultation.id)
    if consultation.participants is Participants.MEMBERS:
        return list(db.session.scalars(mine.where(Participant.person_id == actor.id)))
    units = {
        role.unit_id
        for role in roles_on(actor, consultation.body.organisation_id)
        if role.unit_id is not None and role.kind in UNIT_VOICES
    }
    return list(db.session.scalars(mine.where(Participant.unit_id.in_(units))))


# --- answering and discussing -------------------------------------------------------------


def _require_open(consultation: Consultation) -> None:
    if consultation.status is ConsultationStatus.DRAFT:
        raise Conflict(_("This consultation has not opened yet."))
    if consultation.status is ConsultationStatus.CLOSED or consultation.closes_at <= utcnow():
        raise Conflict(
            _(
                "This consultation closed at %(time)s UTC: nothing more is taken.",
                time=consultation.closes_at.strftime("%Y-%m-%d %H:%M"),
            )
        )


def answer(
    actor: Person | None,
    consultation: Consultation,
    response: Any,
    reason: Any = "",
    *,
    unit_id: Any = None,
) -> Answer:
    """Answer (or change one's answer) while the consultation is open: agree, agree with
    reservations, stand aside or block; for a unit, name it (`unit_id`) if one speaks for
    several."""
    if not signed_in(actor):
        raise NotAllowed(_("Sign in to answer."))
    close_if_due(consultation)
    _require_open(consultation)
    choice = Response(parse.parse_choice(response, tuple(r.value for r in Response), "response"))
    text = parse.parse_text(reason, "reason", required=False, limit=parse.REASON)
    if consultation.reasons is Reasons.OFF:
        text = ""
    elif consultation.reasons is Reasons.REQUIRED and choice is not Response.AGREE and not text:
        raise Invalid(_("Give your reason: this consultation asks for one."), field="reason")
    places = voices(actor, consultation)
    if unit_id not in (None, ""):
        places = [p for p in places if p.unit_id == unit_id]
    if not places:
        raise NotAllowed(_refusal(actor, consultation))
    if len(places) > 1:
        raise Invalid(_("You speak for several units: say which one answers."), field="unit_id")
    place = places[0]
    if place.person_id is not None and voting_membership(actor, consultation.body) is None:
        raise NotAllowed(
            _("Your membership no longer lets you answer; an answer you gave before still stands.")
        )
    with transaction():
        found = db.session.get(Answer, place.id)
        if found is None:
            found = Answer(
                participant_id=place.id,
                consultation_id=consultation.id,
                response=choice,
                reason=text,
                by_id=actor.id,
            )
            db.session.add(found)
        else:
            found.response, found.reason, found.by_id, found.at = choice, text, actor.id, utcnow()
        db.session.flush()
        audit.record(
            "consultation.answered",
            actor=actor,
            organisation_id=consultation.body.organisation_id,
            consultation=consultation.id,
            participant=place.id,
            response=choice.value,
        )
    return found


def _refusal(actor: Person, consultation: Consultation) -> str:
    if consultation.participants is Participants.UNITS:
        return _(
            "Each unit answers through its secretary or a delegate: you hold neither role "
            "for a unit on this consultation's roll."
        )
    return _(
        "You are not on the roll of this consultation (read when it opened on %(day)s).",
        day=consultation.opened_at.strftime("%Y-%m-%d") if consultation.opened_at else "",
    )


def comment(actor: Person | None, consultation: Consultation, text: Any) -> Comment:
    """Add to the discussion: those on the roll (or speaking for a unit on it) and the
    facilitators, while the consultation is open."""
    if not (voices(actor, consultation) or may_facilitate(actor, consultation.body)):
        raise NotAllowed(_("Only those taking part in the consultation join its discussion."))
    _require_open(consultation)
    body = parse.parse_text(text, "text", limit=parse.DESCRIPTION)
    with transaction():
        added = Comment(consultation_id=consultation.id, author_id=actor.id, text=body)
        db.session.add(added)
        db.session.flush()
    return added


# --- changing the times, closing, reopening -----------------------------------------------


def _change(
    actor: Person | None,
    consultation: Consultation,
    kind: str,
    closes_at: Any,
    reason: Any,
    zone: Any,
) -> datetime:
    """Record a new closing time with its reason (the caller checked the facilitator)."""
    why = parse.parse_text(reason, "reason", required=False, limit=parse.REASON)
    if not why:
        raise Invalid(_("Give the reason: it is recorded."), field="reason")
    new = parse_moment(closes_at, "closes_at", zone or None)
    if new <= utcnow():
        raise Invalid(_("The closing time has passed already."), field="closes_at")
    if new - (consultation.opened_at or consultation.opens_at) > LONGEST:
        raise Invalid(_("A consultation runs for a year at most."), field="closes_at")
    db.session.add(
        Change(
            consultation_id=consultation.id,
            kind=kind,
            reason=why,
            old_closes_at=consultation.closes_at,
            new_closes_at=new,
            by_id=actor.id if actor else None,
        )
    )
    audit.record(
        f"consultation.{kind}",
        actor=actor,
        organisation_id=consultation.body.organisation_id,
        consultation=consultation.id,
        reason=why,
        closes_at=new.isoformat(),
    )
    return new


def extend(
    actor: Person | None, consultation: Consultation, closes_at: Any, reason: Any, zone: Any = None
) -> Consultation:
    """Give more time, recorded with the reason; a consultation only ever gets longer."""
    require_facilitator(actor, consultation)
    _require_open(consultation)
    with transaction():
        new = _change(actor, consultation, "extended", closes_at, reason, zone)
        if new <= consultation.closes_at:
            raise Invalid(_("Extending means a later closing time."), field="closes_at")
        consultation.closes_at = new
    after_commit(_deadline_set)
    return consultation


def reopen(
    actor: Person | None, consultation: Consultation, closes_at: Any, reason: Any, zone: Any = None
) -> Consultation:
    """Open a closed consultation again until a new time, recorded with the reason; the
    answers given stay. Not once its fallback vote has begun or the outcome is stated."""
    require_facilitator(actor, consultation)
    if consultation.status is not ConsultationStatus.CLOSED:
        raise Conflict(_("Only a closed consultation can be reopened."))
    if consultation.poll_id is not None or consultation.statement:
        raise Conflict(_("The vote has begun or the outcome is stated: it cannot be reopened."))
    with transaction():
        consultation.closes_at = _change(actor, consultation, "reopened", closes_at, reason, zone)
        consultation.status = ConsultationStatus.OPEN
        consultation.closed_at = None
        consultation.outcome = Outcome.OPEN
    after_commit(_deadline_set)
    return consultation


def close(actor: Person | None, consultation: Consultation) -> Consultation:
    """Close now (the facilitator, before the time). Closing a closed one changes nothing."""
    require_facilitator(actor, consultation)
    if consultation.status is ConsultationStatus.DRAFT:
        raise Conflict(_("This consultation has not opened yet."))
    with transaction():
        db.session.refresh(consultation, with_for_update=True)
        _close(consultation, actor)
    return consultation


def close_if_due(consultation: Consultation) -> Consultation:
    """Open or close the consultation if its time has come (the deadline watcher, or a
    page that finds it late). Whoever comes first does it; the others find it done."""
    now = utcnow()
    status = consultation.status
    due_to_open = status is ConsultationStatus.DRAFT and consultation.opens_at <= now
    due_to_close = status is not ConsultationStatus.CLOSED and consultation.closes_at <= now
    if not (due_to_open or due_to_close):
        return consultation
    with transaction():
        # Another worker may have done it meanwhile: read the row again, locked (PostgreSQL).
        db.session.refresh(consultation, with_for_update=True)
        if consultation.status is ConsultationStatus.DRAFT and consultation.opens_at <= now:
            try:
                with db.session.begin_nested():
                    _open(consultation, None)
            except Conflict:
                consultation.status = ConsultationStatus.CLOSED  # nobody to consult: no run
                consultation.closed_at = now
                consultation.outcome = Outcome.NO_CONSENSUS
                return consultation
        if consultation.status is ConsultationStatus.OPEN and consultation.closes_at <= now:
            _close(consultation, None)
    return consultation


def _close(consultation: Consultation, actor: Person | None) -> None:
    if consultation.status is ConsultationStatus.CLOSED:
        return
    result = outcome_of(consultation, closed=True)
    counts = counts_of(result)
    consultation.status = ConsultationStatus.CLOSED
    consultation.closed_at = utcnow()
    consultation.outcome = (
        Outcome.CONSENSUS if result.status is Status.CONSENSUS else Outcome.NO_CONSENSUS
    )
    audit.record(
        "consultation.closed",
        actor=actor,
        organisation_id=consultation.body.organisation_id,
        consultation=consultation.id,
        outcome=consultation.outcome.value,
        answered=counts["answered"],
        roll=counts["roll"],
        **{r.value: counts[r] for r in Response},
    )
    if consultation.outcome is Outcome.NO_CONSENSUS and falls_back_to_vote(consultation):
        _start_vote(consultation, actor)


# --- results -------------------------------------------------------------------------------


def outcome_of(consultation: Consultation, *, closed: bool = False) -> Any:
    """The rules core's reading of the answers: consensus, none, or still open."""
    settings = consensus_settings(consultation.body.settings)
    responses = {
        participant: Response(response)
        for participant, response in db.session.execute(
            select(Answer.participant_id, Answer.response).where(
                Answer.consultation_id == consultation.id
            )
        )
    }
    elapsed = utcnow() - (consultation.opened_at or utcnow())
    return consensus_outcome(
        list(
            db.session.scalars(
                select(Participant.id)
                .where(Participant.consultation_id == consultation.id)
                .order_by(Participant.id)
            )
        ),
        responses,
        # The time agreed is the consultation's own window, not the body's minutes.
        replace(
            settings,
            time_agreed=consultation.closes_at - (consultation.opened_at or consultation.opens_at),
        ),
        elapsed=elapsed,
        closed=closed or consultation.status is ConsultationStatus.CLOSED,
    )


def explanation(consultation: Consultation, result: Any = None) -> str:
    """Where the consultation stands, in a sentence in the reader's language, from the
    rules core's reading (`result`, read here if not given; counts, never names: the
    answers list names who said what)."""
    result = result if result is not None else outcome_of(consultation)
    counts = counts_of(result)
    if consultation.status is ConsultationStatus.CLOSED and not counts["roll"]:
        return _("Nobody was on the roll: the consultation did not run.")
    blocks, asides, silent = len(result.blocks), len(result.stand_asides), len(result.silent)
    limit = consensus_settings(consultation.body.settings).stand_aside_limit
    if result.status is Status.CONSENSUS:
        return _(
            "Consensus: %(agree)d agree, %(reservations)d with reservations, "
            "%(asides)d stand aside.",
            agree=len(result.agree),
            reservations=len(result.reservations),
            asides=asides,
        )
    if blocks:
        why = ngettext("%(num)d block", "%(num)d blocks", blocks)
    elif limit is not None and asides > limit:
        why = _(
            "more stand-asides (%(count)d) than the body allows (%(limit)d)",
            count=asides,
            limit=limit,
        )
    else:
        why = ngettext(
            "%(num)d on the roll did not answer", "%(num)d on the roll did not answer", silent
        )
    if result.status is Status.OPEN:
        if blocks or (limit is not None and asides > limit):
            return _("No consensus so far (%(why)s); answers may change until the close.", why=why)
        return _(
            "%(answered)d of %(roll)d have answered; not answering is not agreeing.",
            answered=counts["answered"],
            roll=counts["roll"],
        )
    return _("No consensus: %(why)s.", why=why)


def counts_of(result: Any) -> dict[Any, int]:
    """The counts in the rules core's reading: each answer, those who answered, the roll."""
    counts: dict[Any, int] = {
        Response.AGREE: len(result.agree),
        Response.RESERVATIONS: len(result.reservations),
        Response.STAND_ASIDE: len(result.stand_asides),
        Response.BLOCK: len(result.blocks),
    }
    counts["answered"] = sum(counts.values())
    counts["roll"] = counts["answered"] + len(result.silent)
    return counts


def results_shown(consultation: Consultation) -> bool:
    """Whether anyone sees the answers and counts now: always once closed; while open,
    unless the consultation hides them (then not even its facilitators)."""
    return consultation.status is ConsultationStatus.CLOSED or not consultation.results_hidden


def roll_size(consultation: Consultation) -> int:
    return (
        db.session.scalar(
            select(func.count()).where(Participant.consultation_id == consultation.id)
        )
        or 0
    )


def answers_of(consultation: Consultation, places: list[Participant]) -> dict[int, Answer]:
    """The answers given for these places on the roll (one's own, or one's units')."""
    if not places:
        return {}
    found = db.session.scalars(
        select(Answer).where(Answer.participant_id.in_([p.id for p in places]))
    )
    return {a.participant_id: a for a in found}


LISTED = 200
ORDER = {Response.BLOCK: 0, Response.STAND_ASIDE: 1, Response.RESERVATIONS: 2, Response.AGREE: 3}


def listed_answers(consultation: Consultation, limit: int | None = LISTED) -> list[Any]:
    """Who answered what, blocks and stand-asides first, then those with reasons: rows
    (name, response, reason), at most `limit` (the counts say the rest). An anonymous
    consultation lists the answers with reasons only, and no names."""
    order = case({r.value: n for r, n in ORDER.items()}, value=Answer.response, else_=len(ORDER))
    query = (
        select(Participant.name, Answer.response, Answer.reason)
        .join(Participant, Participant.id == Answer.participant_id)
        .where(Answer.consultation_id == consultation.id)
        .order_by(order, (Answer.reason == ""), Participant.name)
    )
    if consultation.anonymous:
        query = query.where(Answer.reason != "")
    if limit is not None:
        query = query.limit(limit)
    rows = list(db.session.execute(query))
    if consultation.anonymous:
        rows = [(None, response, reason) for _name, response, reason in rows]
    return rows


def falls_back_to_vote(consultation: Consultation) -> bool:
    """A vote follows a consultation without consensus where the body votes, on a roll of
    members (a consultation of units records the outcome: its members vote at a meeting)."""
    return (
        consultation.participants is Participants.MEMBERS
        and consensus_settings(consultation.body.settings).fallback is not None
    )


def _start_vote(consultation: Consultation, actor: Person | None) -> None:
    """The fallback vote: the consultation's question put to the same roll, open for the
    consultation's `vote_days`, under the body's ordinary threshold."""
    runner = actor if actor is not None else consultation.created_by
    if runner is None or not may_facilitate(runner, consultation.body):
        return  # the page offers the facilitator to open it (`start_vote`)
    poll = polls.create_poll(
        runner,
        consultation.body,
        question=consultation.title,
        subject="consultation",
        mode=PollMode(consultation.vote_mode),
        audit_data={"consultation": consultation.id},
    )
    consultation.poll_id = poll.id
    db.session.flush()
    polls.open_poll(
        runner,
        poll,
        confirm_privacy=True,  # the facilitator chose a secret vote of this roll
        closes_at=utcnow() + timedelta(days=consultation.vote_days),
    )


def start_vote(actor: Person | None, consultation: Consultation) -> Consultation:
    """The facilitator opens the fallback vote when it could not open by itself."""
    require_facilitator(actor, consultation)
    if consultation.outcome is not Outcome.NO_CONSENSUS or not falls_back_to_vote(consultation):
        raise Conflict(_("This consultation has no vote to fall back on."))
    if consultation.poll_id is not None:
        return consultation
    with transaction():
        _start_vote(consultation, actor)
    return consultation


def state_outcome(
    actor: Person | None, consultation: Consultation, statement: Any, review_on: Any = None
) -> Consultation:
    """The facilitator's statement of what was decided, after the close (and after the
    vote, if there is one), with an optional date to review it."""
    require_facilitator(actor, consultation)
    if consultation.status is not ConsultationStatus.CLOSED:
        raise Conflict(_("State the outcome once the consultation has closed."))
    if consultation.poll is not None and consultation.poll.status.value in ("draft", "open"):
        raise Conflict(_("State the outcome once the vote has closed."))
    text = parse.parse_text(statement, "statement", limit=parse.TEXT)
    review = parse.parse_day(review_on, "review_on")
    if review is not None and review <= date.today():
        raise Invalid(_("The review date must be in the future."), field="review_on")
    with transaction():
        consultation.statement, consultation.review_on = text, review
        consultation.statement_by_id = actor.id if actor else None
        audit.record(
            "consultation.outcome_stated",
            actor=actor,
            organisation_id=consultation.body.organisation_id,
            consultation=consultation.id,
            review_on=review.isoformat() if review else None,
        )
    return consultation


# --- lists and deadlines --------------------------------------------------------------------


def of_body(body: Body) -> list[Consultation]:
    return list(
        db.session.scalars(
            select(Consultation)
            .where(Consultation.body_id == body.id)
            .order_by(Consultation.closes_at.desc())
        )
    )


def of_organisation(organisation_id: int) -> list[Consultation]:
    return list(
        db.session.scalars(
            select(Consultation)
            .join(Body)
            .where(Body.organisation_id == organisation_id)
            .order_by(Consultation.closes_at.desc())
        )
    )


def awaiting(person: Person | None) -> list[awaited.Awaiting]:
    """Open consultations `person` answers in (for themselves or a unit), across all their
    organisations: for the home page."""
    if not signed_in(person):
        return []
    org_ids = [m.organisation_id for m in person.memberships]
    found = db.session.scalars(
        select(Consultation)
        .join(Body)
        .join(Poll, Poll.id == Consultation.poll_id, isouter=True)
        .where(
            Body.organisation_id.in_(org_ids),
            (Consultation.status == ConsultationStatus.OPEN) | (Poll.status == PollStatus.OPEN),
        )
        .order_by(Consultation.closes_at)
    )
    rows = []
    for consultation in found:
        places = voices(person, consultation)
        if not places:
            continue
        poll = consultation.poll
        if consultation.status is ConsultationStatus.CLOSED and poll is not None:
            held = {h.voter_key for h in holdings_of(poll, person)}
            voted = bool(held) and held <= polls.used_keys(poll)
            if held:
                rows.append(
                    awaited.Awaiting(
                        kind="consultation",
                        title=consultation.title,
                        where=f"{consultation.body.organisation.name} · {consultation.body.name}",
                        url=url_for("consultations.show", consultation_id=consultation.id),
                        action=_("See your vote") if voted else pgettext("action", "Vote"),
                        due=poll.closes_at,
                        done=voted,
                    )
                )
            continue
        done = len(answers_of(consultation, places)) == len(places)
        rows.append(
            awaited.Awaiting(
                kind="consultation",
                title=consultation.title,
                where=f"{consultation.body.organisation.name} · {consultation.body.name}",
                url=url_for("consultations.show", consultation_id=consultation.id),
                action=_("Change your answer") if done else _("Answer"),
                due=consultation.closes_at,
                done=done,
            )
        )
    return rows


def nearest_deadline() -> datetime | None:
    """The nearest opening or closing time of a consultation not closed yet."""
    opening = db.session.scalar(
        select(func.min(Consultation.opens_at)).where(
            Consultation.status == ConsultationStatus.DRAFT
        )
    )
    closing = db.session.scalar(
        select(func.min(Consultation.closes_at)).where(
            Consultation.status == ConsultationStatus.OPEN
        )
    )
    times = [t for t in (opening, closing) if t is not None]
    return min(times) if times else None


def due(now: datetime) -> list[tuple[Callable[[Consultation], Consultation], Consultation]]:
    """Consultations whose opening or closing time has come, with what does it."""
    found = db.session.scalars(
        select(Consultation).where(
            ((Consultation.status == ConsultationStatus.DRAFT) & (Consultation.opens_at <= now))
            | ((Consultation.status == ConsultationStatus.OPEN) & (Consultation.closes_at <= now))
        )
    )
    return [(close_if_due, c) for c in found]


def _deadline_set() -> None:
    from voting.core import deadlines

    deadlines.opened()
