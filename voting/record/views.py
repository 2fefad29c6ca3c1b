"""A meeting's record: its draft minutes (to the body's members and its chair), its
results (to those who may watch the meeting) and its attendance (to its chair and the
organisation's secretaries)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template
from flask_login import login_required

from voting.ballots.services.polls import choice_label
from voting.core.extensions import db
from voting.core.permissions import can
from voting.core.web import me
from voting.meetings.models import Meeting
from voting.meetings.permissions import is_chair
from voting.meetings.visibility import may_watch
from voting.org.permissions import Action
from voting.record import archive, documents, exports, minutes
from voting.record.services import minutes as writing
from voting.record.services import reports

bp = Blueprint("record", __name__)


def _csv(text: str, name: str) -> Response:
    # A byte-order mark: spreadsheets then read the names' accents as UTF-8.
    return Response(
        "\ufeff" + text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/meetings/<int:meeting_id>/results.csv")
def results(meeting_id: int):  # type: ignore[no-untyped-def]
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not may_watch(me(), meeting):
        abort(404)
    return _csv(exports.results_csv(meeting), f"meeting-{meeting.id}-results.csv")


@bp.get("/meetings/<int:meeting_id>/attendance.csv")
@login_required
def attendance(meeting_id: int):  # type: ignore[no-untyped-def]
    meeting = db.session.get(Meeting, meeting_id)
    person = me()
    if meeting is None or not (
        is_chair(person, meeting.body)
        or can(person, Action.MANAGE_MEMBERS, meeting.body.organisation_id)
    ):
        abort(404)
    return _csv(exports.attendance_csv(meeting), f"meeting-{meeting.id}-attendance.csv")


def _minutes(meeting_id: int) -> minutes.Minutes:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not minutes.may_read(me(), meeting):
        abort(404)
    return minutes.read(meeting)


@bp.get("/meetings/<int:meeting_id>/minutes")
@login_required
def minutes_page(meeting_id: int):  # type: ignore[no-untyped-def]
    read = _minutes(meeting_id)
    return render_template(
        "record/minutes.html",
        m=read,
        choice_label=choice_label,
        may_edit=writing.may_edit(me(), read.meeting),
        may_export=archive.may_export(me(), read.meeting),
        reports=reports.readable(me(), read.meeting),
    )


@bp.get("/meetings/<int:meeting_id>/minutes.md")
@login_required
def minutes_markdown(meeting_id: int):  # type: ignore[no-untyped-def]
    read = _minutes(meeting_id)
    text = render_template("record/minutes.md", m=read, choice_label=choice_label)
    return Response(
        text,
        mimetype="text/markdown",
        headers={"Content-Disposition": f'attachment; filename="minutes-{meeting_id}.md"'},
    )


# The minutes' chart of each vote, on the page and in the documents.
bp.add_app_template_global(documents.chart, "minutes_chart")
# Whether a closed meeting's screen links its minutes (the meetings' templates ask).
bp.add_app_template_global(minutes.linked_on_screen, "minutes_on_screen")


def _attachment(body: str | bytes, mimetype: str, name: str) -> Response:
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.get("/meetings/<int:meeting_id>/minutes.html")
@login_required
def minutes_html(meeting_id: int):  # type: ignore[no-untyped-def]
    html = documents.html(_minutes(meeting_id))
    return _attachment(html, "text/html", f"minutes-{meeting_id}.html")


@bp.get("/meetings/<int:meeting_id>/minutes.pdf")
@login_required
def minutes_pdf(meeting_id: int):  # type: ignore[no-untyped-def]
    pdf = documents.pdf(_minutes(meeting_id))
    return _attachment(pdf, "application/pdf", f"minutes-{meeting_id}.pdf")


@bp.get("/meetings/<int:meeting_id>/archive.json")
@login_required
def archive_download(meeting_id: int):  # type: ignore[no-untyped-def]
    """The meeting's archive, to import into another installation (its chair and the
    organisation's secretaries, as for the attendance)."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not archive.may_export(me(), meeting):
        abort(404)
    return Response(
        archive.dumps(archive.export_meeting(meeting)),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="meeting-{meeting.id}-archive.json"'
        },
    )
