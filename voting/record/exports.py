"""A meeting's results and attendance as CSV that a spreadsheet opens safely.

A cell that starts with "=", "+", "-", "@" (or a tab or carriage return) would be run
as a formula by a spreadsheet (CSV injection: a member named "=HYPERLINK(…)" would run
code on the secretary's machine). Such cells get a leading apostrophe, which the
spreadsheet shows as text and hides (the OWASP recommendation); numbers are written as
numbers and never touched."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import select

from voting.ballots.models import Poll, PollStatus
from voting.ballots.services import polls
from voting.core.extensions import db
from voting.meetings.models import CheckIn, Meeting, MeetingPoll
from voting.membership.models import Membership

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe(value: object) -> object:
    """A cell as written: numbers as they are, text that a spreadsheet would run escaped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(DANGEROUS) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe(h) for h in header])
    for row in rows:
        writer.writerow([safe(c) for c in row])
    return out.getvalue()


def results_csv(meeting: Meeting) -> str:
    """Every poll of the meeting that was counted (or annulled), oldest first."""
    found = db.session.scalars(
        select(Poll)
        .join(MeetingPoll, MeetingPoll.poll_id == Poll.id)
        .where(
            MeetingPoll.meeting_id == meeting.id,
            Poll.status.in_((PollStatus.CLOSED, PollStatus.ANNULLED)),
        )
        .order_by(Poll.closed_at, Poll.id)
    )
    header = [
        _("Poll"),
        _("Question"),
        _("Mode"),
        _("Status"),
        _("Closed (UTC)"),
        _("Result"),
        pgettext("vote", "For"),
        _("Against"),
        _("Abstain"),
        _("Votes cast"),
        _("Voters"),
        _("Audit hash"),
    ]
    rows = []
    for poll in found:
        result = poll.result or {}
        totals = result.get("totals", {}) if poll.is_yes_no else {}
        rows.append(
            [
                poll.id,
                poll.question,
                poll.mode.value,
                poll.status.value,
                poll.closed_at.strftime("%Y-%m-%d %H:%M") if poll.closed_at else "",
                " ".join(polls.result_sentences(poll)) or poll.annul_reason,
                totals.get("yes", ""),
                totals.get("no", ""),
                totals.get("abstain", ""),
                result.get("cast", ""),
                result.get("voters", ""),
                result.get("audit_hash", ""),
            ]
        )
    return to_csv(header, rows)


def attendance_csv(meeting: Meeting) -> str:
    """Who checked in, when and how, with their unit, by name."""
    rows = db.session.execute(
        select(CheckIn, Membership)
        .join(
            Membership,
            (Membership.person_id == CheckIn.person_id)
            & (Membership.organisation_id == meeting.body.organisation_id),
            isouter=True,
        )
        .where(CheckIn.meeting_id == meeting.id)
        .order_by(CheckIn.at, CheckIn.id)
    ).all()
    header = [_("Name"), _("Unit"), _("Membership"), _("Checked in (UTC)"), _("How")]
    return to_csv(
        header,
        (
            [
                check_in.person.name,
                membership.unit.name if membership and membership.unit else "",
                membership.status.value if membership else "",
                check_in.at.strftime("%Y-%m-%d %H:%M"),
                check_in.via.value,
            ]
            for check_in, membership in rows
        ),
    )
