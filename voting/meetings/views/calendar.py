"""Calendar files: a meeting as an .ics file, for whoever may see the meeting, and each
person's feed of their meetings at a secret address.

Not API operations: the answers are iCalendar files, not JSON. A meeting's file is read
with the session like the meeting's pages, so a browser's "Add to calendar" link works
as it is; a feed is read by calendar programs, which sign in nowhere, through its secret.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import login_required

from voting.core.extensions import db
from voting.core.web import me
from voting.meetings import calendar
from voting.meetings.models import Meeting
from voting.meetings.services import calendar_feeds
from voting.meetings.views.meetings import refused
from voting.membership.services.accounts import public_url

bp = Blueprint("calendar", __name__)

CONTENT_TYPE = "text/calendar; charset=utf-8"


@bp.after_request
def keep_secrets(answer: Response) -> Response:
    """The feed's secret is in its address and on the page that shows it: never cached,
    never sent on as a referrer."""
    answer.headers["Referrer-Policy"] = "strict-origin"
    answer.headers.setdefault("Cache-Control", "no-store")
    return answer


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting_ics(meeting_id: int):  # type: ignore[no-untyped-def]
    """The meeting as a calendar file, for those who may watch it (`visibility.may_watch`)."""
    meeting = db.get_or_404(Meeting, meeting_id)
    if (refusal := refused(meeting)) is not None:
        return refusal
    name = _("%(title)s (%(body)s)", title=meeting.title, body=meeting.body.name)
    answer = Response(calendar.calendar([meeting], name), content_type=CONTENT_TYPE)
    answer.headers["Content-Disposition"] = f'attachment; filename="meeting-{meeting.id}.ics"'
    # A meeting that is not public is the viewer's own business: no shared cache keeps it.
    answer.headers["Cache-Control"] = "private, no-cache"
    return answer


# --- A person's feed ---


def feed_page(url: str | None = None) -> str:
    return render_template("meetings/calendar.html", feed=calendar_feeds.feed_of(me()), url=url)


@bp.get("/calendar")
@login_required
def feed():  # type: ignore[no-untyped-def]
    return feed_page()


@bp.post("/calendar/feed")
@login_required
def new_feed():  # type: ignore[no-untyped-def]
    secret = calendar_feeds.new_feed(me())
    return feed_page(public_url("calendar.feed_ics", secret=secret))


@bp.post("/calendar/feed/stop")
@login_required
def stop_feed():  # type: ignore[no-untyped-def]
    if calendar_feeds.stop_feed(me()):
        flash(_("Your calendar feed is stopped: its address no longer works."), "success")
    return redirect(url_for("calendar.feed"), 303)


@bp.get("/calendar/<secret>.ics")
def feed_ics(secret: str):  # type: ignore[no-untyped-def]
    """A person's meetings, for a calendar program: the secret is the only credential."""
    person = calendar_feeds.owner_of(secret)
    if person is None:
        abort(404)
    # Its calendar program sends no language of theirs: the person's own, or the default.
    with force_locale(person.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        name = _("Meetings of %(name)s", name=person.name)
        text = calendar.calendar(calendar.meetings_of(person), name)
    return Response(text, content_type=CONTENT_TYPE)
