"""Golden minutes of a whole WSM Delegate Council, driven through the services: the
branches' delegates check in against a quorum, an agenda in the council's sections, a
motion amended and agreed with a reservation and a stand-aside, a motion blocked and
carried in the weighted vote that follows, a secret ballot with its trackers, a late
item with its reason, and the secretary's summary and notes.

The Markdown minutes are compared with `golden/conference_minutes.md` once the values of
the day (the date, the hashes) are replaced by placeholders; `UPDATE_GOLDEN=1` rewrites
the file. The values replaced are checked apart against the audit chain. The PDF is
rasterised page by page and its pictures and text are checked: A4, ink on every page and
none in the margins, the bar charts drawn to the counts, the texts, counts, hash and page
numbers there."""

from __future__ import annotations

import difflib
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import time_machine
from flask import Flask
from PIL import Image, ImageChops
from pypdf import PdfReader
from sqlalchemy import select

from tests.fixtures.floor import WSM_CHAIR, body, check_in, vote
from tests.fixtures.people import person
from voting.ballots.models import Poll, PollMode
from voting.ballots.services import polls
from voting.core import audit
from voting.core.extensions import db
from voting.meetings.models import AgendaItem, Meeting, PollKind
from voting.meetings.services import agenda, consensus, floor, meetings, motions
from voting.org.services import bodies
from voting.record.services import minutes as writing

GOLDEN = Path(__file__).parent / "golden" / "conference_minutes.md"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

GAL, GWEN, LEE, DARA = (f"{n}@wsm.example" for n in ("gal", "gwen", "lee", "dara"))
TOM, MO = "tom@wsm.example", "mo@wsm.example"
PRESENT = (WSM_CHAIR, GAL, GWEN, LEE, DARA, TOM, MO)
DELEGATE_NAMES = ("Gal Delegate", "Gwen Delegate", "Lee Delegate", "Dara Delegate")

UNIONS_TITLE = "Support for tenants' unions"
UNIONS_TEXT = (
    "The Delegate Council supports the tenants' unions organising in Galway, Limerick and "
    "Dublin.\n\n"
    "Branches will each name a contact for the unions by the next Delegate Council.\n\n"
    "The organisation publishes the unions' organising guide at "
    "https://www.wsm.example/housing/tenants-unions/organising-guide-for-branches-and-members"
)
UNIONS_AMENDMENT = (
    "Branches will each name a contact for the unions and report on the work at every "
    "Delegate Council."
)
PAPER_TITLE = "Price of the paper"
PAPER_TEXT = (
    "The cover price of Workers Solidarity rises from one euro to two euro from the next "
    "issue.\n\nBranches may give the paper free to anyone who cannot pay."
)
VENUE_QUESTION = "Hold the autumn National Conference in Galway?"
LATE_REASON = "The strike began after the agenda was circulated."
SUMMARY = (
    "Every branch was represented. The council agreed to support the tenants' unions, "
    "raised the price of the paper after a vote, and chose Galway for the autumn "
    "conference by secret ballot."
)
NOTES = {
    "Reports of the branches": (
        "Galway: a stall every Saturday.\nLimerick: the reading group has restarted.\n"
        "Dublin: two new members."
    ),
    "Housing working group": "The group met twice; its report went to the members' list.",
    "Venue of the autumn conference": "Delegates asked for a secret ballot.",
    "Solidarity with the Cork bin workers": (
        "The council sent its greetings to the strikers.\n"
        "Galway and Dublin will collect for the strike fund."
    ),
}

# The bars of the charts (templates/record/_charts.html), and the page's margins
# (static/css/minutes-print.css: @page margin: top right bottom left).
BAR_COLOUR = (0x0B, 0x5C, 0xAD)
MARGINS_MM = {"top": 20, "right": 20, "bottom": 22, "left": 22}
A4_MM = (210, 297)
DPI = 150


@dataclass
class Council:
    meeting: Meeting
    fallback: Poll  # the weighted vote after the block
    secret: Poll  # the secret ballot on the venue
    codes: list[str]  # the trackers the voters of the secret ballot were given


def _answer_all(test, answers: dict[str, tuple[str, str]]) -> None:  # type: ignore[no-untyped-def]
    """Everyone present answers: agree unless `answers` says otherwise (with a reason)."""
    for email in PRESENT:
        response, reason = answers.get(email, ("agree", ""))
        consensus.answer(person(email), test, response, reason=reason)
    consensus.close_test(person(WSM_CHAIR), test)


@pytest.fixture
def council(live: Flask) -> Iterator[Council]:
    """The council, held twelve days from now at ten, its items submitted today but one,
    which comes three days before the meeting, after the council's deadline."""
    live.config["ANNOUNCE_MEETINGS"] = False  # nobody to mail: demo addresses
    today = datetime.now(UTC).replace(second=0, microsecond=0)
    with time_machine.travel(today, tick=False) as clock:
        chair = person(WSM_CHAIR)
        council_body = body("wsm", "delegate-council")
        bodies.update_body_settings(
            chair,
            council_body,
            {"quorum": {"required": True, "fraction": "1/2", "base": "members"}},
            merge=True,
        )
        when = (today + timedelta(days=12)).replace(hour=10, minute=0)
        meeting = meetings.schedule_meeting(
            chair, council_body, title="Delegate Council, spring", scheduled_for=when
        )

        def submit(who: str, section: str, title: str, **more: str) -> AgendaItem:
            return agenda.submit_item(person(who), meeting, section=section, title=title, **more)

        reports = submit(WSM_CHAIR, "Branch reports", "Reports of the branches")
        housing = submit(WSM_CHAIR, "Working group reports", "Housing working group")
        unions = submit(GAL, "Motions", UNIONS_TITLE, motion_text=UNIONS_TEXT)
        paper = submit(DARA, "Motions", PAPER_TITLE, motion_text=PAPER_TEXT)
        venue = submit(WSM_CHAIR, "Discussion items", "Venue of the autumn conference")
        clock.move_to(when - timedelta(days=3))
        cork = submit(LEE, "AOB", "Solidarity with the Cork bin workers", late_reason=LATE_REASON)
        assert cork.late and not any(i.late for i in (reports, housing, unions, paper, venue))

        clock.move_to(when)
        meetings.open_meeting(chair, meeting)
        check_in(meeting, *PRESENT)
        agenda.open_item(chair, reports)
        agenda.open_item(chair, housing)

        agenda.open_item(chair, unions)
        motion = unions.motions[0]
        amendment = motions.propose_amendment(
            person(LEE), motion, text=UNIONS_AMENDMENT, paragraph=2
        )
        motions.accept_friendly(person(GAL), amendment)  # the proposer takes it in
        _answer_all(
            consensus.open_test(chair, motion),
            {
                GWEN: ("reservations", "The guide needs a part on rural tenants."),
                TOM: ("stand_aside", "As treasurer I cannot promise branch funds for it."),
            },
        )

        agenda.open_item(chair, paper)
        motion = paper.motions[0]
        blocker = "Limerick sells most copies on the street: at two euro we sell half as many."
        _answer_all(consensus.open_test(chair, motion), {LEE: ("block", blocker)})
        fallback = polls.open_poll(chair, floor.put_to_vote(chair, motion), confirm_privacy=True)
        vote(fallback, GAL, "yes")
        vote(fallback, GWEN, "yes")
        vote(fallback, LEE, "no")
        polls.cast(person(DARA), fallback, split={"yes": 12, "no": 5})  # Dublin's mandate
        polls.close_poll(chair, fallback)

        agenda.open_item(chair, venue)
        secret = floor.create_poll(
            chair,
            meeting,
            kind=PollKind.PROCEDURAL,
            item=venue,
            question=VENUE_QUESTION,
            mode=PollMode.SECRET,
        )
        # The tally of four weighted delegates can tell a vote: the chair was warned.
        secret = polls.open_poll(chair, secret, confirm_privacy=True)
        codes = [
            vote(secret, email, choice).tracker
            for email, choice in ((GAL, "yes"), (GWEN, "yes"), (LEE, "no"), (DARA, "yes"))
        ]
        assert all(codes)  # a tracker for each voter
        polls.close_poll(chair, secret)

        agenda.open_item(chair, cork)
        agenda.close_item(chair, cork)
        items = {i.title: i.id for i in meeting.items}
        writing.edit(chair, meeting, summary=SUMMARY, notes={items[t]: n for t, n in NOTES.items()})
        meetings.close_meeting(chair, meeting)
        yield Council(meeting, fallback, secret, [str(c) for c in codes])


# --- The text ------------------------------------------------------------------------------


def normalised(text: str) -> str:
    """The minutes without the values of the day: the meeting's date, the audit hashes of
    the counts and the secret ballot's trackers (random) become placeholders."""
    text = re.sub(r"\b\d{4}-\d{2}-\d{2}\b", "<DATE>", text)
    text = re.sub(r"(Audit hash of the count: )[0-9a-f]{64}", r"\1<AUDIT-HASH>", text)
    return re.sub(r"\b[0-9a-f]{64}\b", "<TRACKER>", text)


def _markdown(signed_in, council: Council) -> str:  # type: ignore[no-untyped-def]
    response = signed_in(TOM).get(f"/meetings/{council.meeting.id}/minutes.md")
    assert response.status_code == 200 and response.mimetype == "text/markdown"
    return response.get_data(as_text=True)


def test_the_minutes_of_the_council_read_as_the_golden_file(signed_in, council) -> None:
    text = normalised(_markdown(signed_in, council))
    if UPDATE:
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    expected = GOLDEN.read_text(encoding="utf-8")
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            text.splitlines(keepends=True),
            fromfile=str(GOLDEN.relative_to(Path(__file__).parent)),
            tofile="minutes.md now",
        )
    )
    if diff:
        raise AssertionError(
            f"the minutes differ from {GOLDEN.name} (UPDATE_GOLDEN=1 rewrites it):\n{diff}"
        )


def _closing_entry(poll: Poll) -> audit.AuditEvent:
    """The chain's entry that closed the poll: the last of its entries."""
    entries = [
        e
        for e in db.session.scalars(
            select(audit.AuditEvent).where(audit.AuditEvent.action.like("poll.%"))
        )
        if e.data.get("poll") == poll.id
    ]
    closed = [e for e in entries if e.action == "poll.closed"]
    assert len(closed) == 1 and max(entries, key=lambda e: e.seq) is closed[0]
    return closed[0]


def _vote_line(text: str, question: str) -> list[str]:
    """The Markdown lines of one vote: its own line and those indented under it."""
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith(f"- **Vote:** {question}"))
    block = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        block.append(line)
    return block


def test_the_values_replaced_are_those_of_the_chain(signed_in, council) -> None:
    """What the golden comparison replaces by placeholders is right: each vote shows the
    hash of the chain's entry that closed its poll, the secret ballot lists the trackers
    the chain holds (the digests of the codes its voters were given), and no name."""
    text = _markdown(signed_in, council)
    organisation = council.meeting.body.organisation_id
    chain = audit.verify(organisation)
    assert chain.ok, chain.why
    for poll in (council.fallback, council.secret):
        closing = _closing_entry(poll)
        assert closing.hash in chain.hashes
        assert poll.result["audit_hash"] == closing.hash
        own = _vote_line(text, poll.question)
        assert f"(Audit hash of the count: {closing.hash})" in own[0], own
        assert text.count(closing.hash) == 1

    secret = "\n".join(_vote_line(text, VENUE_QUESTION))
    ballots = next(
        e
        for e in db.session.scalars(
            select(audit.AuditEvent).where(audit.AuditEvent.action == "poll.ballots")
        )
        if e.data.get("poll") == council.secret.id
    )
    listed = re.findall(r"\b[0-9a-f]{64}\b", secret.split("published trackers:")[1])
    assert (
        listed == ballots.data["trackers"] == sorted(polls.tracker_hash(c) for c in council.codes)
    )
    assert len(listed) == 4 and "4 published trackers" in secret
    assert "Carried: 26 votes to 5" in secret
    # A secret ballot names nobody, and its voters' own codes are theirs alone.
    for name in DELEGATE_NAMES:
        assert name not in secret
    for code in council.codes:
        assert code not in text

    day = council.meeting.scheduled_for.strftime("%Y-%m-%d")
    assert f"Delegate Council · {day} 10:00 UTC" in text
    assert normalised(text).count("<DATE>") == 1


# --- The printed document ----------------------------------------------------------------


def _px(mm: float) -> int:
    return round(mm / 25.4 * DPI)


def _ink(page: Image.Image, threshold: int = 245) -> Image.Image:
    """A mask of everything not white (the light grey of a box counts)."""
    return page.convert("L").point(lambda v: 255 if v < threshold else 0)


Box = tuple[int, int, int, int]  # x, y, width, height in pixels


def _blue(page: Image.Image) -> Image.Image:
    """A mask of the pixels of the charts' colour (also the motions' side rule)."""
    channels = [
        band.point(lambda v, c=c: 255 if abs(v - c) <= 2 else 0)
        for band, c in zip(page.split(), BAR_COLOUR, strict=True)
    ]
    return ImageChops.multiply(ImageChops.multiply(channels[0], channels[1]), channels[2])


def _rectangles(mask: Image.Image, min_width: int, max_width: int, min_height: int) -> list[Box]:
    """The solid rectangles of a mask that are as wide and as tall as asked, top first."""
    data, width = mask.tobytes(), mask.width
    runs: dict[tuple[int, int], list[int]] = {}  # (x, width) -> the rows it is found on
    pattern = re.compile(rb"\xff{%d,%d}" % (min_width, max_width))
    for y in range(mask.height):
        row = data[y * width : (y + 1) * width]
        for found in pattern.finditer(row):
            if (found.start() == 0 or row[found.start() - 1] == 0) and (
                found.end() == width or row[found.end()] == 0
            ):
                runs.setdefault((found.start(), found.end() - found.start()), []).append(y)
    boxes = []
    for (x, w), rows in runs.items():
        top = previous = rows[0]
        for y in [*rows[1:], None]:
            if y is not None and y == previous + 1:
                previous = y
                continue
            if previous - top + 1 >= min_height:
                boxes.append((x, top, w, previous - top + 1))
            if y is not None:
                top = previous = y
    return sorted(boxes, key=lambda box: box[1])


def _bars(page: Image.Image) -> list[Box]:
    """The chart bars of a page: wider than a side rule, 3.5 mm tall."""
    return _rectangles(_blue(page), _px(2), page.width, _px(2))


def _side_rules(page: Image.Image) -> list[Box]:
    """The side rules that set a motion's text apart: 2.5 pt wide, a line or more tall."""
    return _rectangles(_blue(page), 2, _px(1.5), _px(5))


def _charts(bars: list[Box]) -> list[list[int]]:
    """The bars grouped into charts (bars close under each other), as their widths."""
    charts: list[list[tuple[int, int, int, int]]] = []
    for bar in bars:
        if charts and bar[1] - (charts[-1][-1][1] + charts[-1][-1][3]) < _px(4):
            charts[-1].append(bar)
        else:
            charts.append([bar])
    return [[w for _x, _y, w, _h in chart] for chart in charts]


def _compact(text: str) -> str:
    return "".join(text.split())


def test_the_printed_minutes_are_a4_pages_with_the_record_and_its_charts(
    signed_in, council, tmp_path: Path
) -> None:
    response = signed_in(TOM).get(f"/meetings/{council.meeting.id}/minutes.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    document = pdfium.PdfDocument(response.data)
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages]
    pages = len(texts)
    assert pages == len(document) >= 2
    pictures = tmp_path / "pages"
    pictures.mkdir()
    images = []
    for number, page in enumerate(document, start=1):
        width_pt, height_pt = page.get_size()
        assert abs(width_pt / 72 * 25.4 - A4_MM[0]) < 0.5, number
        assert abs(height_pt / 72 * 25.4 - A4_MM[1]) < 0.5, number
        image = page.render(scale=DPI / 72).to_pil().convert("RGB")
        image.save(pictures / f"page-{number}.png")
        images.append(image)
        where = f"page {number} of {pages}, {pictures}"
        assert abs(image.height / image.width - A4_MM[1] / A4_MM[0]) < 0.005, where

        ink = _ink(image)
        body_area = ink.crop(
            (
                _px(MARGINS_MM["left"]),
                _px(MARGINS_MM["top"]),
                image.width - _px(MARGINS_MM["right"]),
                image.height - _px(MARGINS_MM["bottom"]),
            )
        )
        assert body_area.getbbox() is not None, f"blank: {where}"
        assert sum(body_area.histogram()[255:]) > 2000, f"almost blank: {where}"
        left, top, right, bottom = ink.getbbox()
        # Nothing beyond the text block on either side, nor above it; below it the footer.
        assert left >= _px(MARGINS_MM["left"]) - 2, (left, where)
        assert right <= image.width - _px(MARGINS_MM["right"]) + 2, (right, where)
        assert top >= _px(MARGINS_MM["top"]) - 2, (top, where)
        assert bottom <= image.height - _px(8), (bottom, where)
        assert f"Page {number} of {pages}" in texts[number - 1], where

    # Each vote's chart on the page of its vote, its bars as long as its counts.
    for poll, counts in ((council.fallback, [21, 10]), (council.secret, [26, 5])):
        assert [poll.result["totals"][c] for c in ("yes", "no")] == counts
        number = next(
            n for n, t in enumerate(texts) if poll.question in t and f"{counts[0]} votes to" in t
        )
        charts = _charts(_bars(images[number]))
        drawn = [c for c in charts if len(c) == 2 and c[1] / c[0] < 1]
        assert any(abs(c[1] / c[0] - counts[1] / counts[0]) < 0.01 for c in drawn), (
            charts,
            number + 1,
            pictures,
        )
        assert max(c[0] for c in drawn) == pytest.approx(_px(120 * 270 / 480), abs=3)

    # The side rule sets apart each motion's text, at the text block's edge, and nothing
    # else (an amendment's text stays in its line).
    rules = [box for image in images for box in _side_rules(image)]
    assert len(rules) == 2, (rules, pictures)
    assert all(abs(x - _px(MARGINS_MM["left"])) <= 2 for x, _y, _w, _h in rules), rules

    text = "\n".join(texts)
    compact = _compact(text)
    # What the secretary wrote on separate lines stays on separate lines.
    lines = {" ".join(line.split()) for line in text.splitlines()}
    for note in NOTES.values():
        for line in note.splitlines():
            assert line in lines, line
    amended = UNIONS_TEXT.replace(
        "Branches will each name a contact for the unions by the next Delegate Council.",
        UNIONS_AMENDMENT,
    )
    for expected in (amended, PAPER_TEXT, SUMMARY, LATE_REASON, *NOTES.values()):
        assert _compact(expected) in compact, expected
    for counted in (
        "Carried: 21 votes to 10",
        "Carried: 26 votes to 5",
        "Agree 5, Agree with reservations 1, Stand aside 1",
        "Agree 6, Block 1",
        "Quorum: 4 needed, 7 present: met.",
    ):
        assert _compact(counted) in compact, counted
    assert _compact(_closing_entry(council.secret).hash) in compact
    assert _compact(_closing_entry(council.fallback).hash) in compact
    folded = text.casefold()  # badges are set in capitals
    assert "agreed by consensus" in folded and "carried by a vote" in folded
    assert "accepted as friendly" in folded
    for code in council.codes:
        assert code not in text
