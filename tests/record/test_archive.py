"""A meeting's archive: exported as JSON, imported into another organisation, the minutes
there say what they said here; a secret poll's archive links no voter to a choice; a bad
archive is refused and writes nothing; only the chair and the secretaries export."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.fixtures.floor import WSM_CHAIR, motion_of, open_poll, vote
from tests.fixtures.people import person, token_for
from voting.ballots.models import Poll, PollMode, SecretBallot
from voting.ballots.services import polls
from voting.core import audit
from voting.core.audit import AuditEvent
from voting.core.database import transaction
from voting.core.errors import Invalid
from voting.core.extensions import db
from voting.meetings.models import Meeting, PollKind
from voting.meetings.services import agenda, consensus, meetings, motions, speaking
from voting.membership.models import Membership, Role, RoleKind
from voting.org.models import Organisation, Unit
from voting.org.services.organisations import by_slug, create_from_preset
from voting.record import archive, minutes

GAL, LEE, GWEN, DARA, TOM = (
    f"{name}@wsm.example" for name in ("gal", "lee", "gwen", "dara", "tom")
)
SECRET_VOTES = {LEE: "yes", GWEN: "no", GAL: "yes", DARA: "abstain"}


def _held(wsm: Meeting) -> dict[str, Any]:
    """The delegate council decides: a friendly amendment, a test for agreement that Gal
    blocks, an open vote on the motion, a secret vote to close the debate, Gal speaking;
    then the meeting closes. Gives the two polls and the secret voters' trackers."""
    chair = person(WSM_CHAIR)
    motion = motion_of(wsm)
    agenda.open_item(chair, motion.item)
    amendment = motions.propose_amendment(
        person(GAL),
        motion,
        text="The organisation campaigns for public housing with the branches.",
        reason="The branches lead",
    )
    motions.accept_friendly(chair, amendment)
    hand = speaking.raise_hand(person(GAL), motion.item)
    speaking.call_next(chair, motion.item)
    speaking.call_next(chair, motion.item, after=hand.id)  # Gal has spoken
    test = consensus.open_test(chair, motion)
    consensus.answer(person(GAL), test, "block", reason="Not without the branches")
    consensus.answer(person(LEE), test, "agree")
    consensus.close_test(chair, test)
    poll = open_poll(wsm, WSM_CHAIR)
    for email, choice in ((GAL, "no"), (LEE, "yes"), (DARA, "yes")):
        vote(poll, email, choice, confirm_against_mandate=True)
    polls.close_poll(chair, poll)
    secret = open_poll(
        wsm,
        WSM_CHAIR,
        mode=PollMode.SECRET,
        motion=None,
        kind=PollKind.PROCEDURAL,
        item=motion.item,
        question="Close the debate?",
    )
    trackers = {
        email: vote(secret, email, choice).tracker for email, choice in SECRET_VOTES.items()
    }
    polls.close_poll(chair, secret)
    meetings.close_meeting(chair, wsm)
    return {"open": poll, "secret": secret, "trackers": trackers}


def _organisation_with(slug: str, *emails: str) -> Organisation:
    """Another organisation of this installation, made from the same preset, with WSM's
    units; these people are its members and Sam its admin."""
    org = create_from_preset(None, "wsm", slug=slug, name="WSM (the archive)")
    with transaction():
        for unit in by_slug("wsm").units:
            db.session.add(Unit(organisation=org, kind=unit.kind, name=unit.name))
        for email in emails:
            db.session.add(Membership(person_id=person(email).id, organisation_id=org.id))
        db.session.add(
            Role(person_id=person(WSM_CHAIR).id, organisation_id=org.id, kind=RoleKind.ADMIN)
        )
    return org


def _without_ids(value: Any) -> Any:
    """What the minutes say, without the ids of their rows (which differ by installation)."""
    if isinstance(value, dict):
        return {
            k: _without_ids(v) for k, v in value.items() if k not in ("meeting", "item", "poll")
        }
    if isinstance(value, list | tuple):
        return [_without_ids(v) for v in value]
    return value


def _where_made(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in ("exported_at", "organisation", "body")}


def test_an_archive_imported_elsewhere_gives_the_same_minutes(
    wsm, app, signed_in, tmp_path
) -> None:
    held = _held(wsm)
    org = _organisation_with("wsm-archive", WSM_CHAIR, GAL, LEE, GWEN, DARA, TOM)
    runner = app.test_cli_runner()
    path = tmp_path / "meeting.json"
    exported = runner.invoke(args=["voting", "export-meeting", str(wsm.id), "-o", str(path)])
    assert exported.exit_code == 0, exported.output
    original = json.loads(path.read_text(encoding="utf-8"))
    assert (original["format"], original["version"]) == ("voting-meeting-archive", 1)

    done = runner.invoke(args=["voting", "import-meeting", str(path), "--organisation", org.slug])
    assert done.exit_code == 0, done.output
    assert "not a member here" not in done.output  # everyone is a member there too
    copy = db.session.scalars(
        select(Meeting).where(Meeting.body_id.in_([b.id for b in org.bodies]))
    ).one()
    assert copy.body.slug == wsm.body.slug and copy.status.value == "closed"

    # The minutes say the same things: texts, tests, votes with their sentences and hashes.
    here, there = minutes.read(wsm), minutes.read(copy)
    assert _without_ids(minutes.content(there)) == _without_ids(minutes.content(here))
    page = signed_in(WSM_CHAIR).get(f"/meetings/{copy.id}/minutes")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for expected in (
        "The organisation campaigns for public housing with the branches.",
        "Gal Delegate: Block — Not without the branches",
        "no consensus",  # the test's outcome
        "Close the debate?",
        held["open"].result["audit_hash"],
        held["secret"].result["audit_hash"],
        *polls.result_sentences(held["open"]),
        *polls.result_sentences(held["secret"]),
    ):
        assert expected in html, expected

    # Exported again, it is the same archive but for where it was made.
    again = archive.export_meeting(copy)
    assert _where_made(again) == _where_made(original)
    assert again["organisation"]["slug"] == "wsm-archive"

    # Each imported count is in the target's chain with the source's hash; the chain holds.
    entries = db.session.scalars(
        select(AuditEvent).where(AuditEvent.organisation_id == org.id).order_by(AuditEvent.seq)
    ).all()
    imported = [e for e in entries if e.action == "poll.imported"]
    assert sorted(e.data["audit_hash"] for e in imported) == sorted(
        p.result["audit_hash"] for p in (held["open"], held["secret"])
    )
    assert entries[-1].action == "meeting.imported" and entries[-1].data["unmatched"] == []
    assert audit.verify(org.id).ok


def _paths(value: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every string and number of the archive with its place (`polls[1].result.totals`)."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _paths(v, f"{path}.{k}" if path else k)]
    if isinstance(value, list):
        return [p for n, v in enumerate(value) for p in _paths(v, f"{path}[{n}]")]
    return [(path, value)]


def test_a_secret_polls_archive_links_no_voter_to_a_choice(wsm) -> None:
    """What is asserted: the secret poll's part of the archive holds no voter's name, voter
    key, person id, tracker code or counted ballot's key, and nothing that pairs a
    tracker with a choice (its trackers are a sorted list of digests alone); voters are
    named only in the attendance, the test's answers and the speakers' list. Not asserted
    (not decidable from the file): that the totals of a small poll reveal nothing."""
    held = _held(wsm)
    secret = held["secret"]
    data = archive.export_meeting(wsm)
    text = json.dumps(data, ensure_ascii=False)
    part = next(p for p in data["polls"] if p["mode"] == "secret")
    voters = {email: person(email) for email in SECRET_VOTES}

    places = _paths(data)
    for email, who in voters.items():
        named = [where for where, value in places if value == who.name]
        assert named, email  # present, so the attendance names them
        assert all(where.startswith(("attendance", "items")) for where in named), named
    section = json.dumps(part)
    for who in voters.values():
        assert who.name not in section and f"person:{who.id}" not in section
    for code in held["trackers"].values():
        assert code not in text  # the voter's code; only its digest is published
    digests = [polls.tracker_hash(code) for code in held["trackers"].values()]
    assert sorted(digests) == part["trackers"] == sorted(part["trackers"])
    for where, value in places:
        if value in digests:  # each digest stands alone in the list, next to no choice
            assert where.startswith(f"polls[{data['polls'].index(part)}].trackers["), where
    ballot_keys = db.session.scalars(
        select(SecretBallot.id).where(SecretBallot.poll_id == secret.id)
    )
    assert not [key for key in ballot_keys if key in text]
    assert set(part) == {
        "key", "kind", "item", "motion", "amendment", "question", "mode", "form", "seats",
        "choices", "special", "free_vote", "status", "opened_at", "closed_at", "annulled_at",
        "annul_reason", "rerun_of", "members", "units_total", "unheld", "result",
        "audit_hash", "trackers",
    }  # fmt: skip
    assert part["result"] == secret.result  # as stored at the count: totals, no names
    assert part["result"]["named"] == [] and part["result"]["totals"]["yes"] >= 2


def test_a_roll_call_keeps_its_published_names_and_an_open_vote_none(wsm) -> None:
    poll = open_poll(wsm, WSM_CHAIR, mode=PollMode.NAMED)
    vote(poll, GAL, "no", confirm_against_mandate=True)
    polls.close_poll(person(WSM_CHAIR), poll)
    part = archive.export_meeting(wsm)["polls"][0]
    assert part["result"]["named"] == poll.result["named"]
    assert part["result"]["named"][0]["holder"] == "Gal Delegate"
    assert "votes" not in part and "participation" not in part


def test_who_is_not_a_member_there_is_left_out_and_named(wsm) -> None:
    held = _held(wsm)
    org = _organisation_with("wsm-empty", WSM_CHAIR)  # nobody but Sam
    imported = archive.import_meeting(archive.export_meeting(wsm), "wsm-empty")
    there = minutes.read(imported.meeting)
    assert there.present == []  # nobody invented
    test = there.items[0].motions[0].tests[0]
    assert test.counts == {} and test.test.outcome.value == "no_consensus"  # no partial count
    assert held["open"].result["audit_hash"] in [
        v.poll.result["audit_hash"] for v in there.items[0].motions[0].votes
    ]
    left = {(u["name"], u["as"]) for u in imported.unmatched}
    assert ("Gal Delegate", "present") in left and ("Gal Delegate", "amendment proposer") in left
    assert {name for name, place in left if place == "present"} == {
        person(email).name for email in (GAL, LEE, GWEN, DARA, TOM)
    }
    entry = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.organisation_id == org.id, AuditEvent.action == "meeting.imported"
        )
    ).one()
    assert {(u["name"], u["as"]) for u in entry.data["unmatched"]} == left


def _counts() -> tuple[int, int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Meeting)),
        db.session.scalar(select(func.count()).select_from(Poll)),
        db.session.scalar(select(func.count()).select_from(AuditEvent)),
    )


def _broken(data: dict[str, Any], change: str) -> dict[str, Any]:
    data = json.loads(json.dumps(data))
    if change == "version":
        data["version"] = 2
    elif change == "format":
        data["format"] = "something-else"
    elif change == "missing":
        del data["meeting"]["title"]
    elif change == "late":  # refused at the last poll, after the items were written
        data["polls"][-1]["motion"] = "motion-99"
    elif change == "counts":
        data["items"][0]["motions"][0]["tests"][0]["counts"]["block"] = 5
    elif change == "kind":
        data["items"][0]["motions"][0]["status"] = "adopted-by-acclaim"
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("version", "of version 2; this installation reads version 1"),
        ("format", "not a meeting archive"),
        ("missing", "lacks meeting.title"),
        ("late", "polls[1].motion is not valid"),
        ("counts", "differ from its counts"),
        ("kind", "items[0].motions[0].status is not valid"),
    ],
)
def test_a_bad_archive_is_refused_and_writes_nothing(wsm, change, message) -> None:
    _held(wsm)
    _organisation_with("wsm-target", WSM_CHAIR, GAL, LEE)
    data = _broken(archive.export_meeting(wsm), change)
    before = _counts()
    with pytest.raises(Invalid) as refused:
        archive.import_meeting(data, "wsm-target")
    assert message in refused.value.message
    assert _counts() == before


def test_the_command_refuses_what_it_cannot_read(wsm, app, tmp_path) -> None:
    _organisation_with("wsm-target", WSM_CHAIR)
    runner = app.test_cli_runner()
    good = tmp_path / "good.json"
    good.write_text(archive.dumps(archive.export_meeting(wsm)), encoding="utf-8")
    not_json = tmp_path / "notes.txt"
    not_json.write_text("Minutes of the meeting: we agreed.", encoding="utf-8")
    huge = tmp_path / "huge.json"
    with huge.open("wb") as out:
        out.truncate(archive.MAX_BYTES + 1)
    before = _counts()
    for args, says in (
        ([str(not_json), "--organisation", "wsm-target"], "not JSON"),
        ([str(huge), "--organisation", "wsm-target"], "larger than 20 MB"),
        ([str(good), "--organisation", "nowhere"], "no organisation “nowhere”"),
        ([str(good), "--organisation", "wsm-target", "--body", "politburo"], "no body “politburo”"),
    ):
        result = runner.invoke(args=["voting", "import-meeting", *args])
        assert result.exit_code == 1 and says in result.output, (args, result.output)
    assert _counts() == before


def test_only_the_chair_and_the_secretaries_export(wsm, signed_in, client) -> None:
    url = f"/meetings/{wsm.id}/archive.json"
    chair = signed_in(WSM_CHAIR).get(url)
    assert chair.status_code == 200 and chair.mimetype == "application/json"
    assert "attachment" in chair.headers["Content-Disposition"]
    assert json.loads(chair.get_data(as_text=True))["meeting"]["title"] == "Meeting"
    assert signed_in(TOM).get(url).status_code == 404
    with transaction():  # Tom becomes the organisation's secretary; he chairs nothing
        tom = person(TOM)
        db.session.add(
            Role(
                person_id=tom.id, organisation_id=wsm.body.organisation_id, kind=RoleKind.SECRETARY
            )
        )
    assert signed_in(TOM).get(url).status_code == 200
    assert signed_in(GAL).get(url).status_code == 404  # reads the minutes, not the archive
    assert signed_in("ana@wri.example").get(url).status_code == 404
    assert client.get(url).status_code in (302, 401)
    api = f"/api/v1/meetings/{wsm.id}/archive"
    token = {"Authorization": f"Bearer {token_for(WSM_CHAIR)}"}
    assert client.get(api, headers=token).get_json()["body"]["slug"] == "delegate-council"
    member = {"Authorization": f"Bearer {token_for(GAL)}"}
    assert client.get(api, headers=member).status_code == 404
