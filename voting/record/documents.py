"""The minutes as a document to keep: one standalone HTML file (its styles inside it, no
script, no site navigation) and a PDF typeset from it by WeasyPrint on A4, with the
minutes' title and the page numbers in every page's footer. Each vote carries a small bar
chart of its result, drawn as inline SVG from the counts `chart` reads."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from flask import current_app, render_template
from flask_babel import gettext as _

from voting.ballots.models import Poll
from voting.ballots.services.polls import choice_label
from voting.elections.services.elections import election_of_poll
from voting.record.minutes import Minutes
from voting.rules.rankings import BallotForm

STYLESHEET = "minutes-print.css"


@dataclass(frozen=True)
class Bar:
    label: str
    shown: str  # the number as the minutes print it
    share: float  # of the longest bar: 0 to 1


@dataclass(frozen=True)
class Chart:
    caption: str
    bars: list[Bar]


def _number(value: object) -> Decimal:
    # Totals are whole weights; an STV round's votes are recorded as "3.500".
    return Decimal(str(value))


def _shown(value: Decimal) -> str:
    return f"{value.normalize():f}"


def chart(poll: Poll) -> Chart | None:
    """What a vote's chart draws: its totals by choice (weights counted), or for an
    election its approvals or the last round of its count (first preferences when there
    was no round). None when the poll has no counts."""
    result = poll.result or {}
    counts = result.get("totals") or {}
    caption = _("Votes by choice")
    if poll.form is not BallotForm.CHOICE:
        election = election_of_poll(poll)
        rounds = (election.result or {}).get("rounds") if election else None
        if poll.form is BallotForm.APPROVAL:
            caption = _("Approvals")
        elif rounds:
            caption = _("Votes in round %(num)d of the count", num=rounds[-1]["number"])
        else:
            caption = _("First preferences")
        if rounds:
            counts = rounds[-1]["votes"]
    if not counts:
        return None
    numbers = {choice: _number(v) for choice, v in counts.items()}
    top = max(max(numbers.values()), Decimal(1))
    bars = [Bar(choice_label(choice), _shown(n), float(n / top)) for choice, n in numbers.items()]
    return Chart(caption, bars)


def _css_string(text: str) -> str:
    # Escaped for a CSS string inside a <style> element: no quote, no "</style>" ends it.
    for raw, escaped in (("\\", "\\\\"), ('"', '\\"'), ("<", "\\3c "), ("\n", " ")):
        text = text.replace(raw, escaped)
    return f'"{text}"'


def _page_counter() -> str:
    """The footer's "Page 2 of 5" as a CSS content value, translated: the counters go where
    the catalogue's placeholders are."""
    marker = "\x00"
    label = _(
        "Page %(page)s of %(pages)s", page=f"{marker}page{marker}", pages=f"{marker}pages{marker}"
    )
    parts = label.split(marker)
    counters = {"page": "counter(page)", "pages": "counter(pages)"}
    return " ".join(counters[p] if i % 2 else _css_string(p) for i, p in enumerate(parts) if p)


def html(minutes: Minutes) -> str:
    """The minutes as one HTML document, its style sheet inside it."""
    sheet = Path(current_app.static_folder or "static") / "css" / STYLESHEET
    return render_template(
        "record/minutes_document.html",
        m=minutes,
        choice_label=choice_label,
        stylesheet=sheet.read_text(encoding="utf-8"),
        page_counter=_page_counter(),
    )


def pdf(minutes: Minutes) -> bytes:
    """The minutes typeset as a PDF from the same document. Nothing is fetched: the
    document has its styles inside it and its charts are inline SVG."""
    from weasyprint import HTML  # Pango is loaded only when a PDF is made

    return HTML(string=html(minutes)).write_pdf()  # type: ignore[no-any-return]
