"""Votes cast before the meeting, counted with the floor: WRI's postal ballot papers and
AWL's written votes, through the services and the pages.

WRI's conference (the demo's): Section X (2,500 members) holds 3 votes, Section Y 2,
associates P and Q 1 each, their cards held by Xavier, Yusuf, Pia and Quinn."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import event, select, text

from tests.fixtures.floor import (
    AWL_CHAIR,
    WRI_CHAIR,
    WRI_REPS,
    WRI_SECRETARY,
    check_in,
    motion_of,
    straight_to_vote,
)
from tests.fixtures.people import person
from voting.ballots.models import (
    BallotPaper,
    PaperEntry,
    Poll,
    PollEntitlement,
    PollMode,
    SealedBallot,
    WrittenVote,
)
from voting.ballots.services import entitlements, polls, precast
from voting.core import batch
from voting.core.columns import utcnow
from voting.core.database import transaction
from voting.core.errors import Conflict, Invalid, NotAllowed
from voting.core.extensions import db
from voting.meetings.models import Meeting
from voting.meetings.services import floor, representation
from voting.membership.services import members
from voting.rules import precast as rules_precast
from voting.rules.entitlement import (
    BodyRule,
    CardHolder,
    Person,
    PollContext,
    Roll,
    Scheme,
    Unit,
    WeightBand,
    compute_entitlements,
)
from voting.rules.tally import Precedence
from voting.rules.types import UnitKind

XAVIER, YUSUF, PIA, QUINN = WRI_REPS.values()


def draft(meeting: Meeting, chair: str = WRI_CHAIR, mode: PollMode = PollMode.OPEN) -> Poll:
    """A poll prepared on the meeting's motion, taking votes for a week (the meeting in
    session has decided to vote on it)."""
    straight_to_vote(chair, motion_of(meeting))
    poll = floor.create_poll(person(chair), meeting, mode=mode, motion=motion_of(meeting))
    manager = WRI_SECRETARY if chair == WRI_CHAIR else chair
    return precast.open_window(person(manager), poll, utcnow() + timedelta(days=7))


def papers_of(poll: Poll) -> dict[tuple[str, int], str]:
    """Issue the poll's papers: their codes by (unit, number)."""
    return {(p.unit, p.number): p.code for p in precast.issue_papers(person(WRI_SECRETARY), poll)}


def set_rule(meeting: Meeting, rule: str) -> None:
    body = meeting.body
    settings = body.settings
    settings.precast_rule = rule
    body.settings = settings
    db.session.commit()


def open_at_meeting(poll: Poll) -> Poll:
    return polls.open_poll(person(WRI_CHAIR), poll, confirm_privacy=True)


def weights(poll: Poll) -> dict[str, int]:
    return {
        e.holder.name: e.weight
        for e in db.session.scalars(
            select(PollEntitlement).where(PollEntitlement.poll_id == poll.id)
        )
    }


# --- WRI: postal papers merged with the floor ---------------------------------------------


def test_wri_papers_one_per_vote_are_counted_with_the_floor_votes(wri: Meeting) -> None:
    poll = draft(wri)
    codes = papers_of(poll)
    assert sorted(codes) == [
        ("Associate P", 1),
        ("Associate Q", 1),
        ("Section X", 1),
        ("Section X", 2),
        ("Section X", 3),
        ("Section Y", 1),
        ("Section Y", 2),
    ]
    assert len(set(codes.values())) == 7
    stored = db.session.scalars(select(BallotPaper.code_hash)).all()
    assert not set(codes.values()) & set(stored)  # only digests are kept
    # Section Y and Associate Q vote by post; their representatives do not vote on the floor.
    for key, choice in (
        (("Section Y", 1), "no"),
        (("Section Y", 2), "no"),
        (("Associate Q", 1), "no"),
    ):
        receipt = precast.return_paper(poll, codes[key], choice)
        assert receipt.tracker is None and key[0] in receipt.label
    assert precast.summary(poll).returned == 3

    open_at_meeting(poll)
    polls.cast(person(XAVIER), poll, choice="yes")
    polls.cast(person(PIA), poll, choice="yes")
    polls.close_poll(person(WRI_CHAIR), poll)

    assert poll.result["totals"] == {"yes": 4, "no": 3, "abstain": 0}
    assert poll.result["voters"] == 5  # two floor holdings, three papers
    assert poll.result["precast"] == {"papers": 3, "written": 0, "replaced": 0}
    assert poll.result["sentence"] == (
        "Carried: 4 votes to 3 (majority of votes cast needed: more than 3 1/2 of 7)"
    )


def test_a_reused_paper_is_refused_on_the_floor_under_first_counts(wri: Meeting) -> None:
    set_rule(wri, "first_counts")
    poll = draft(wri)
    codes = papers_of(poll)
    precast.return_paper(poll, codes[("Associate P", 1)], "no")
    precast.return_paper(poll, codes[("Section X", 3)], "no")  # Xavier's third card
    open_at_meeting(poll)
    assert poll.precast_rule == "first_counts"
    assert weights(poll)["Pia Rep"] == 0 and weights(poll)["Xavier Rep"] == 2

    with pytest.raises(NotAllowed, match=r"returned paper stands \(first counts\)"):
        polls.cast(person(PIA), poll, choice="yes")
    polls.cast(person(XAVIER), poll, choice="yes")  # the two cards left to him
    polls.cast(person(YUSUF), poll, choice="yes")
    assert polls.progress(poll).sentence() == "4 of 5 votes cast (weight 6 of 7)"
    polls.close_poll(person(WRI_CHAIR), poll)

    assert poll.result["totals"] == {"yes": 4, "no": 2, "abstain": 0}
    assert poll.result["set_aside"] == []


def test_a_reused_paper_is_replaced_by_the_floor_vote_under_floor_replaces(wri: Meeting) -> None:
    poll = draft(wri)  # the body's rule: the floor replaces (WRI Rules 1(c))
    codes = papers_of(poll)
    precast.return_paper(poll, codes[("Associate P", 1)], "no")
    precast.return_paper(poll, codes[("Associate Q", 1)], "no")
    open_at_meeting(poll)
    assert weights(poll)["Pia Rep"] == 1

    polls.cast(person(PIA), poll, choice="yes")  # replaces P's paper
    polls.close_poll(person(WRI_CHAIR), poll)

    assert poll.result["totals"] == {"yes": 1, "no": 1, "abstain": 0}
    assert poll.result["precast"] == {"papers": 1, "written": 0, "replaced": 1}
    assert [entitlements.text_of(m) for m in poll.result["set_aside"]] == [
        "ballot for Associate P, paper 1 of 1 (postal) replaced by the vote cast on the floor"
    ]


def test_the_poll_pages_name_the_rule_that_applies(wri: Meeting, signed_in) -> None:
    poll = draft(wri)
    page = signed_in(XAVIER).get(f"/polls/{poll.id}").get_data(as_text=True)
    assert "the floor vote replaces it (the floor replaces)" in page
    set_rule(wri, "first_counts")
    page = signed_in(WRI_CHAIR).get(f"/polls/{poll.id}/chair").get_data(as_text=True)
    assert "counts (first counts): its card is not used on the floor" in page


# --- Codes: mistyped, used, late ------------------------------------------------------------


def test_a_mistyped_a_used_and_a_late_code_each_say_so(wri: Meeting) -> None:
    poll = draft(wri)
    code = papers_of(poll)[("Section X", 1)]
    wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
    with pytest.raises(Invalid, match="No paper of this poll has this code"):
        precast.return_paper(poll, wrong, "yes")
    with pytest.raises(Invalid, match="Choose one of the answers"):
        precast.return_paper(poll, code, "perhaps")
    # Capitals, spaces and dashes do not matter.
    precast.return_paper(poll, code.lower().replace("-", " "), "yes")
    with pytest.raises(Conflict, match="already been returned"):
        precast.return_paper(poll, code, "yes")
    other = draft(wri)
    with pytest.raises(Invalid, match="No paper of this poll"):
        precast.return_paper(other, code, "yes")  # a code of another poll

    late = papers_of(other)[("Section Y", 1)]
    other.precast_until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(Conflict, match=r"Papers had to be returned by .*: bring the paper"):
        precast.return_paper(other, late, "no")
    open_at_meeting(poll)
    with pytest.raises(Conflict, match="The vote has begun at the meeting"):
        precast.return_paper(poll, code, "no")


def test_papers_are_issued_once_by_the_secretary_for_a_body_that_holds_postal_ballots(
    wri: Meeting, awl: Meeting
) -> None:
    poll = draft(wri)
    with pytest.raises(NotAllowed):
        precast.issue_papers(person(XAVIER), poll)
    with pytest.raises(NotAllowed):
        precast.issue_papers(person(AWL_CHAIR), poll)  # another organisation's secretary
    papers_of(poll)
    with pytest.raises(Conflict, match="issued already"):
        papers_of(poll)
    written = draft(awl, AWL_CHAIR)
    with pytest.raises(Conflict, match="does not hold postal ballots"):
        precast.issue_papers(person(AWL_CHAIR), written)


# --- Tellers: double entry --------------------------------------------------------------


def test_two_tellers_must_agree_and_a_mismatch_is_shown_to_both(wri: Meeting) -> None:
    org = wri.body.organisation
    members.assign_role(
        person(WRI_SECRETARY),
        org,
        {"email": "xenia@wri.example", "kind": "teller", "body": wri.body.slug},
    )
    ana, xenia = person(WRI_SECRETARY), person("xenia@wri.example")
    poll = draft(wri)
    code = papers_of(poll)[("Section Y", 1)]
    with pytest.raises(NotAllowed):
        precast.enter_paper(person("ines@wri.example"), poll, code, "yes")

    assert precast.enter_paper(ana, poll, code, "yes").outcome == "waiting"
    assert precast.enter_paper(ana, poll, code, "yes").outcome == "waiting"  # one teller alone
    entry = precast.enter_paper(xenia, poll, code, "no")
    assert entry.outcome == "mismatch" and entry.others == ["Ana Admin"]
    assert "your entry differs from Ana Admin's" in entry.sentence()
    for teller in (ana, xenia):
        assert [(m.label, m.tellers) for m in precast.mismatches(teller, poll)] == [
            ("Section Y, paper 1 of 2", ["Ana Admin", "Xenia Rep"])
        ]
    assert precast.summary(poll).returned == 0
    counted = precast.enter_paper(xenia, poll, code, "yes")  # read again: it says yes
    assert counted.outcome == "counted"
    assert precast.mismatches(ana, poll) == []
    with pytest.raises(Conflict, match="counted already"):
        precast.enter_paper(ana, poll, code, "yes")
    with pytest.raises(Conflict, match="already been returned"):
        precast.return_paper(poll, code, "no")
    with pytest.raises(Invalid, match="No paper of this poll has this code"):
        precast.enter_paper(xenia, poll, "NOPE-NOPE-NOPE-NOPE", "yes")

    open_at_meeting(poll)
    polls.close_poll(person(WRI_CHAIR), poll)
    assert poll.result["totals"]["yes"] == 1


# --- AWL: a withdrawn member's written vote ----------------------------------------------


def test_awl_withdrawn_member_votes_in_writing_and_is_counted_with_the_floor(
    awl: Meeting,
) -> None:
    wes, pat, fay = person("wes@awl.example"), person("pat@awl.example"), person("fay@awl.example")
    representation.appoint_proxy(wes, awl, pat)  # given before; the written vote stands
    poll = draft(awl, AWL_CHAIR)
    with pytest.raises(NotAllowed, match="you vote on the floor at the meeting"):
        precast.cast_in_writing(fay, poll, "yes")
    with pytest.raises(NotAllowed):
        precast.cast_in_writing(person("cal@awl.example"), poll, "yes")  # a candidate
    receipt = precast.cast_in_writing(wes, poll, "no")
    assert not receipt.already
    assert precast.cast_in_writing(wes, poll, "no").already
    with pytest.raises(Conflict, match="already voted in writing"):
        precast.cast_in_writing(wes, poll, "yes")

    check_in(awl, "pat@awl.example", "fay@awl.example", "wes@awl.example")
    polls.open_poll(person(AWL_CHAIR), poll)
    with pytest.raises(NotAllowed, match="cast in writing before the meeting and stands"):
        polls.cast(wes, poll, choice="yes")
    with pytest.raises(NotAllowed, match="cast in writing before the meeting and stands"):
        polls.cast(pat, poll, choice="yes", keys=[f"person:{wes.id}"])  # the proxy is not used
    assert polls.cast(pat, poll, choice="yes").keys == [f"person:{pat.id}"]
    polls.cast(fay, poll, choice="yes")
    polls.close_poll(person(AWL_CHAIR), poll)

    assert poll.result["totals"] == {"yes": 2, "no": 1, "abstain": 0}
    assert poll.result["voters"] == 3
    assert poll.result["precast"] == {"papers": 0, "written": 1, "replaced": 0}
    with pytest.raises(Conflict, match="The vote has begun"):
        precast.cast_in_writing(wes, draft_again(awl), "no")


def draft_again(awl: Meeting) -> Poll:
    """The next poll at the meeting, opened already."""
    poll = draft(awl, AWL_CHAIR)
    polls.open_poll(person(AWL_CHAIR), poll)
    return poll


# --- Secret polls: sealed like the floor's ---------------------------------------------------


def _raw_values(table: str) -> list[object]:
    return [v for row in db.session.execute(text(f"SELECT * FROM {table}")) for v in row]


def test_a_secret_polls_votes_before_the_meeting_are_not_readable_from_the_database(
    wri: Meeting, awl: Meeting
) -> None:
    poll = draft(wri, mode=PollMode.SECRET)
    assert poll.seal_key is not None  # sealed from the first vote on
    codes = papers_of(poll)
    precast.return_paper(poll, codes[("Section Y", 1)], "no")
    receipt = precast.return_paper(poll, codes[("Section Y", 2)], "yes")
    assert receipt.tracker is not None
    members.assign_role(
        person(WRI_SECRETARY),
        wri.body.organisation,
        {"email": "xenia@wri.example", "kind": "teller", "body": wri.body.slug},
    )
    precast.enter_paper(person(WRI_SECRETARY), poll, codes[("Associate Q", 1)], "no")
    precast.enter_paper(person("xenia@wri.example"), poll, codes[("Associate Q", 1)], "no")
    written = draft(awl, AWL_CHAIR, mode=PollMode.SECRET)
    precast.cast_in_writing(person("wes@awl.example"), written, "abstain")

    db.session.commit()
    for table in ("ballot_paper", "paper_entry", "written_vote", "sealed_ballot"):
        values = _raw_values(table)
        assert values, table
        assert not {"yes", "no", "abstain"} & {v for v in values if isinstance(v, str)}, table
    assert db.session.scalars(select(BallotPaper.returned_at)).all() == [None] * 7
    assert db.session.scalars(select(WrittenVote.cast_at)).all() == [None]
    envelopes = db.session.scalars(
        select(SealedBallot.envelope).where(SealedBallot.poll_id == poll.id)
    ).all()
    assert len(envelopes) == 3 and len({len(e) for e in envelopes}) == 1
    digests = set(db.session.scalars(select(PaperEntry.digest)))
    assert not digests & {precast.code_digest(c) for c in ("yes", "no", "abstain")}

    # A secret poll's returned papers are final, whatever the body's rule.
    open_at_meeting(poll)
    assert poll.precast_rule == "first_counts"
    with pytest.raises(NotAllowed, match="in a secret poll a returned paper is final"):
        polls.cast(person(YUSUF), poll, choice="yes")
    polls.cast(person(XAVIER), poll, choice="yes")
    polls.close_poll(person(WRI_CHAIR), poll)
    assert poll.result["totals"] == {"yes": 4, "no": 2, "abstain": 0}
    assert receipt.tracker and polls.tracker_hash(receipt.tracker) in polls.published_trackers(poll)


# --- The hot path -------------------------------------------------------------------------


def _statements(poll: Poll) -> int:
    """The statements a batch of the four representatives' votes runs."""
    calls = [
        batch.Waiting(
            batch.Call(polls.cast, (batch._ref(person(e)), batch._ref(poll)), {"choice": "yes"})
        )
        for e in WRI_REPS.values()
    ]
    seen: list[str] = []

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    db.session.expire_all()
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with transaction():
            assert polls.cast_together(calls) == []
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert all(w.error is None or isinstance(w.error, NotAllowed) for w in calls)
    return len(seen)


def test_votes_before_the_meeting_add_no_statement_to_a_batch_of_floor_votes(
    wri: Meeting,
) -> None:
    straight_to_vote(WRI_CHAIR, motion_of(wri))
    plain = open_at_meeting(
        floor.create_poll(person(WRI_CHAIR), wri, motion=motion_of(wri), question="Plain?")
    )
    without = _statements(plain)
    polls.close_poll(person(WRI_CHAIR), plain)
    set_rule(wri, "first_counts")
    poll = draft(wri)
    codes = papers_of(poll)
    precast.return_paper(poll, codes[("Section X", 3)], "no")
    precast.return_paper(poll, codes[("Associate P", 1)], "no")  # Pia's vote is refused
    open_at_meeting(poll)
    assert _statements(poll) == without


# --- The pages ------------------------------------------------------------------------------


def test_the_pages_issue_print_return_enter_and_vote_in_writing(
    wri: Meeting, awl: Meeting, signed_in, client
) -> None:
    straight_to_vote(WRI_CHAIR, motion_of(wri))
    poll = floor.create_poll(person(WRI_CHAIR), wri, motion=motion_of(wri))
    secretary = signed_in(WRI_SECRETARY)
    assert signed_in(XAVIER).get(f"/polls/{poll.id}/precast").status_code == 403
    until = (utcnow() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    answer = secretary.post(f"/polls/{poll.id}/precast", data={"until": until})
    assert answer.status_code == 303
    sheet = secretary.post(f"/polls/{poll.id}/papers")
    assert sheet.status_code == 200 and sheet.headers["Cache-Control"] == "no-store"
    page = sheet.get_data(as_text=True)
    codes = re.findall(r"<code class=\"paper-code\" data-code>([A-Z0-9-]+)</code>", page)
    assert len(codes) == 7 and "vote 3 of 3" in page
    assert "Ballot paper" in page and poll.question in page

    # Anyone with a code returns a paper, in two steps; a wrong code is told so.
    wrong = client.post(f"/polls/{poll.id}/paper", data={"code": "ABCD-EFGH-JKLM-NPQR"})
    assert wrong.status_code == 422 and "No paper of this poll has this code" in wrong.text
    step = client.post(f"/polls/{poll.id}/paper", data={"code": codes[0]})
    assert step.status_code == 200 and "Associate P, paper 1 of 1" in step.text
    done = client.post(f"/polls/{poll.id}/paper", data={"code": codes[0], "choice": "no"})
    assert done.status_code == 200 and "is returned: its vote is recorded" in done.text
    again = client.post(f"/polls/{poll.id}/paper", data={"code": codes[0], "choice": "no"})
    assert again.status_code == 409 and "already been returned" in again.text

    # The secretary enters a paper received by post: it waits for a second teller.
    entered = secretary.post(
        f"/polls/{poll.id}/papers/entry", data={"code": codes[1], "choice": "yes"}
    )
    assert entered.status_code == 200 and "A second teller enters the same paper" in entered.text
    overview = secretary.get(f"/polls/{poll.id}/precast").get_data(as_text=True)
    assert "1 of 7 papers returned." in overview

    # A withdrawn AWL member votes in writing from the poll's page.
    written = floor.create_poll(person(AWL_CHAIR), awl, motion=motion_of(awl))
    precast.open_window(person(AWL_CHAIR), written, utcnow() + timedelta(days=3))
    wes = signed_in("wes@awl.example")
    assert "Vote in writing" in wes.get(f"/polls/{written.id}").get_data(as_text=True)
    cast = wes.post(f"/polls/{written.id}/in-writing", data={"choice": "no"})
    assert cast.status_code == 200 and "Your vote in writing is recorded" in cast.text
    refused = signed_in("fay@awl.example").post(
        f"/polls/{written.id}/in-writing", data={"choice": "no"}
    )
    assert refused.status_code == 403


def test_wrong_codes_from_one_address_are_limited(wri: Meeting, client) -> None:
    poll = draft(wri)
    papers_of(poll)
    for _n in range(10):
        answer = client.post(f"/polls/{poll.id}/paper", data={"code": "ABCD-EFGH-JKLM-NPQR"})
        assert answer.status_code == 422
    answer = client.post(f"/polls/{poll.id}/paper", data={"code": "ABCD-EFGH-JKLM-NPQR"})
    assert answer.status_code == 429 and "Too many wrong codes" in answer.text


# --- The rules core: where papers fall ---------------------------------------------------------


def test_a_paper_falls_on_the_holding_of_its_card() -> None:
    rule = BodyRule(
        Scheme.UNIT_WEIGHTS,
        weight_bands=(WeightBand(UnitKind.SECTION, 3), WeightBand(UnitKind.ASSOCIATE, 1)),
    )
    units = (Unit("x", "X", UnitKind.SECTION, 10), Unit("p", "P", UnitKind.ASSOCIATE, 5))
    assert rules_precast.papers_per_unit(rule, units) == {"x": 3, "p": 1}
    roll = Roll(
        (Person("ana", "Ana"), Person("bo", "Bo")),
        units,
        card_holders=(CardHolder("ana", "x", 2), CardHolder("bo", "x", None, 2)),
    )
    held = compute_entitlements(rule, roll, PollContext()).entitlements
    papers = [rules_precast.Paper(n, "x", n) for n in (1, 3)] + [rules_precast.Paper(9, "p", 1)]
    first = rules_precast.place(held, papers, [], Precedence.FIRST_COUNTS, unheld_votes={"p": 1})
    assert [(p.ref, p.key, p.stands) for p in first.papers] == [
        (9, None, True),
        (1, "unit:x/ana", True),
        (3, "unit:x/bo", True),
    ]
    assert first.carved == {"unit:x/ana": 1, "unit:x/bo": 1}
    assert (first.unheld, first.standing, first.excess) == (1, 3, 0)
    replaced = rules_precast.place(held, papers, [], Precedence.FLOOR_REPLACES)
    assert replaced.carved == {} and replaced.excess == 1
    kept, gone = rules_precast.counted(replaced.papers, {"unit:x/ana"})
    assert [p.ref for p in gone] == [1] and sorted(p.ref for p in kept) == [3, 9]


def test_a_secret_polls_teller_keys_are_taken_from_the_window_on(wri: Meeting, signed_in) -> None:
    straight_to_vote(WRI_CHAIR, motion_of(wri))
    poll = floor.create_poll(person(WRI_CHAIR), wri, mode=PollMode.SECRET, motion=motion_of(wri))
    secretary = signed_in(WRI_SECRETARY)
    until = (utcnow() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    secretary.post(
        f"/polls/{poll.id}/precast", data={"until": until, "tellers": "3", "tellers_needed": "2"}
    )
    db.session.refresh(poll)
    assert (poll.tellers, poll.tellers_needed) == (3, 2) and poll.seal_key
    page = secretary.get(f"/polls/{poll.id}/precast").get_data(as_text=True)
    assert "Show key 3" in page and "in a secret poll a returned paper is final" in page
    shown = secretary.post(f"/polls/{poll.id}/teller-keys/1")
    assert shown.status_code == 200 and f"{poll.id}-1-" in shown.text
    key = poll.seal_key
    open_at_meeting(poll)
    assert poll.seal_key == key and poll.tellers == 3  # the key the votes were sealed under


def test_the_papers_are_issued_as_a_pdf_one_per_page(wri: Meeting, signed_in) -> None:
    straight_to_vote(WRI_CHAIR, motion_of(wri))
    poll = floor.create_poll(person(WRI_CHAIR), wri, motion=motion_of(wri))
    secretary = signed_in(WRI_SECRETARY)
    until = (utcnow() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    assert secretary.post(f"/polls/{poll.id}/precast", data={"until": until}).status_code == 303
    pdf = secretary.post(f"/polls/{poll.id}/papers", data={"format": "pdf"})
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Cache-Control"] == "no-store"
    assert pdf.data.startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(pdf.data)).pages
    assert len(pages) == 7  # seven papers, a page each
    codes = [re.search(r"[A-Z0-9]{4}(?:-[A-Z0-9]{4}){3}", p.extract_text()) for p in pages]
    assert all(codes) and len({c.group(0) for c in codes if c}) == 7  # a code on each
    again = secretary.post(f"/polls/{poll.id}/papers", data={"format": "pdf"})
    assert again.status_code == 409  # issued once: the codes were in that PDF only
