"""An election between meetings in a browser, all of it driven through the pages.

Nia, the IS Network's organiser, on a 1280-px laptop, follows "Elections" from the
organisation's page, reads the positions of the preset and calls an election of two
Steering Committee members "as a group", the ballot held between meetings, nominations
closing ten minutes ahead. On 360-px touch phones Aoife nominates Brian, Ciara and Dev
and Brian nominates Aoife; Ciara consents declaring herself a woman, Brian and Aoife
consent; Dev does not, and his nomination says why it does not stand.

The deadline is passed by moving the clock of this process (the live server runs in a
thread of it) ten minutes on with time_machine, ticking: nothing is created behind the
pages' back. Nia prepares and opens the ballot; Ciara ranks by tapping names on her phone
(a second tap takes one out, the ranks after it move up), Brian ranks with the keyboard
through the selects on a laptop, Aoife first gives two candidates rank 1 and is refused
with the reason, her ballot unspent and her ranks kept, then casts a proper one; Dev
casts his on his phone too. Nia closes and counts; the result shows the elected, the
round-by-round table (scrolling inside its own region on a phone) and the last round's
bars. Every page fits 360 px, passes axe (no serious or critical problem), and the
Content-Security-Policy refuses nothing (the harness's watch).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from tests.e2e.conftest import PHONE, assert_fits_phone, screenshot
from tests.e2e.test_accessibility import serious_violations
from tests.e2e.test_foundation_flows import sign_in
from voting.core.extensions import db

ORGANISER = "nia@isn.example"
PHONE_800 = {**PHONE, "viewport": {"width": 360, "height": 800}}
LAPTOP = {"viewport": {"width": 1280, "height": 800}, "timezone_id": "UTC", "locale": "en-GB"}
GROUP = "Steering Committee members elected as a group"
TITLE = f"{GROUP} (2 seats)"
# The ballot lists those standing in the order they were nominated.
BRIAN, CIARA, AOIFE = "Brian Member", "Ciara Member", "Aoife Member"


def _look(page, name: str, problems: dict[str, list[str]]) -> None:  # type: ignore[no-untyped-def]
    """Screenshot the page, check it fits a phone (when it is one) and run axe on it."""
    screenshot(page, name)
    if page.viewport_size["width"] <= 360:
        assert_fits_phone(page)
    if found := serious_violations(page):
        problems[name] = found


def _nomination(page, name: str):  # type: ignore[no-untyped-def]
    return page.locator("article.nomination", has=page.get_by_role("heading", name=name))


def _flash(page, text: str) -> None:  # type: ignore[no-untyped-def]
    page.locator(".flash", has_text=text).first.wait_for()


def _ranks(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Each candidate's rank as the ballot's selects hold it ("" unranked)."""
    return page.evaluate(
        """() => Object.fromEntries(Array.from(document.querySelectorAll("li.candidate"),
            (li) => [li.querySelector(".candidate-name").textContent.trim(),
                     li.querySelector("select.rank").value]))"""
    )


def _marks(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Each candidate's rank as ranking.js marks its row ("" unmarked)."""
    return page.evaluate(
        """() => Object.fromEntries(Array.from(document.querySelectorAll("li.candidate"),
            (li) => [li.querySelector(".candidate-name").textContent.trim(),
                     li.classList.contains("is-ranked") ? li.dataset.rank : ""]))"""
    )


def test_an_election_between_meetings_from_call_to_count(live_app, browser) -> None:
    base, app = live_app
    problems: dict[str, list[str]] = {}
    contexts = []

    def device(options: dict, email: str):  # type: ignore[no-untyped-def]
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, base, email)
        return page

    # Ten minutes ahead, on the minute: the form takes minutes.
    closes = (datetime.now(UTC) + timedelta(minutes=10)).replace(second=0, microsecond=0)
    try:
        # 1. The organiser calls the election from the organisation's page.
        nia = device(LAPTOP, ORGANISER)
        nia.goto(base + "/org/isn/")
        nia.get_by_role("link", name="Elections", exact=True).click()
        nia.get_by_role("heading", name="Elections", exact=True).wait_for()
        for name in ("National Secretary", "National Treasurer", "National Organiser", GROUP):
            assert nia.get_by_role("heading", name=name, exact=True).is_visible()
        group = nia.locator("article[data-position='steering-members']")
        assert "5 seats" in group.inner_text() and "Vacant." in group.inner_text()
        group.get_by_text("Call an election").click()
        group.get_by_label("Nominations close").fill(closes.strftime("%Y-%m-%dT%H:%M"))
        assert group.get_by_label("Time zone").input_value() == "UTC"
        group.get_by_label("Seats to fill").fill("2")
        held = group.get_by_label("Ballot held")
        held.select_option(index=0)
        assert held.input_value() == ""
        assert "Between meetings" in held.locator("option").first.inner_text()
        _look(nia, "election-call-laptop", problems)
        group.get_by_role("button", name="Call the election").click()
        nia.get_by_role("heading", name=TITLE).wait_for()
        _flash(nia, "nominations are open")
        election_url = nia.url
        election_id = int(election_url.rsplit("/", 1)[1])
        assert "between meetings" in nia.locator("dl.facts").inner_text()
        assert nia.locator("dl.facts time").get_attribute("datetime") == closes.isoformat()

        # 2. Nominations, found as a member finds them: organisation, Elections, the election.
        aoife = device(PHONE_800, "aoife@isn.example")
        aoife.goto(base + "/org/isn/")
        aoife.get_by_role("link", name="Elections", exact=True).click()
        aoife.get_by_role("link", name=TITLE).click()
        aoife.get_by_role("heading", name=TITLE).wait_for()
        for candidate in (BRIAN, CIARA, "Dev Member"):
            aoife.get_by_label("Candidate", exact=True).select_option(label=candidate)
            aoife.get_by_label("Why you nominate them (optional)").fill(f"{candidate} organises.")
            aoife.get_by_role("button", name="Nominate", exact=True).click()
            _flash(aoife, "The nomination is made")
            _nomination(aoife, candidate).wait_for()
        dev = _nomination(aoife, "Dev Member")
        assert "Not standing yet: the candidate has not consented in writing." in dev.inner_text()
        assert dev.locator("[data-stands]").count() == 0
        _look(aoife, "election-nominations-phone", problems)

        brian = device(PHONE_800, "brian@isn.example")
        brian.goto(election_url)
        brian.get_by_label("Candidate", exact=True).select_option(label=AOIFE)
        brian.get_by_role("button", name="Nominate", exact=True).click()
        _flash(brian, "The nomination is made")
        mine = _nomination(brian, BRIAN)
        mine.get_by_label("Your statement to the members").fill("Four months, then recall me.")
        mine.get_by_role("button", name="I consent to stand").click()
        _flash(brian, "you stand in this election")
        _nomination(brian, BRIAN).locator("[data-stands]").wait_for()

        ciara = device(PHONE_800, "ciara@isn.example")
        ciara.goto(election_url)
        mine = _nomination(ciara, CIARA)
        assert "Not standing yet" in mine.inner_text()
        _look(ciara, "election-consent-phone", problems)
        mine.get_by_label("Your statement to the members").fill("For the women's caucus.")
        mine.get_by_label("I declare myself: woman").check()
        mine.get_by_role("button", name="I consent to stand").click()
        _flash(ciara, "you stand in this election")
        mine = _nomination(ciara, CIARA)
        assert mine.locator("[data-stands]").inner_text() == "standing"
        assert "Declares: woman" in mine.inner_text()
        assert "Not standing yet" not in mine.inner_text()
        assert mine.get_by_label("I declare myself: woman").is_checked()
        _look(ciara, "election-standing-phone", problems)

        aoife.reload()
        _nomination(aoife, AOIFE).get_by_role("button", name="I consent to stand").click()
        _flash(aoife, "you stand in this election")
        standing = aoife.locator("article.nomination:has([data-stands])")
        assert standing.count() == 3
        dev = _nomination(aoife, "Dev Member")
        assert "has not consented in writing" in dev.inner_text()

        nia.goto(election_url)
        assert "3 candidates standing." in nia.inner_text("main")
        # Before the deadline the ballot cannot be prepared: the page says until when.
        nia.get_by_role("button", name="Prepare the ballot").click()
        nia.get_by_text("Nominations are open until").first.wait_for()

        # 3. Past the deadline (the server's clock, in this process, moves on and ticks).
        with time_machine.travel(closes + timedelta(minutes=1), tick=True):
            nia.goto(election_url)
            nia.get_by_role("button", name="Prepare the ballot").click()
            _flash(nia, "The ballot is prepared")
            assert "Prepared, not opened yet." in nia.inner_text("main")
            nia.get_by_role("button", name="Open the ballot").click()
            _flash(nia, "The ballot is open.")

            # Ciara taps, on her phone: Ciara, Aoife, Brian; Aoife again takes her out
            # (Brian moves up to 2); Aoife once more comes last.
            ciara.goto(election_url)
            ballot = ciara.locator("form.election-ballot")
            ballot.wait_for()
            ciara.locator(".ranking-help").wait_for()  # shown by the script
            assert list(_ranks(ciara)) == [BRIAN, CIARA, AOIFE]
            rows = ballot.locator("li.candidate")
            for i in range(rows.count()):
                box = rows.nth(i).bounding_box()
                tap_box = rows.nth(i).locator(".candidate-name").bounding_box()
                assert box is not None and box["height"] >= 44, box
                assert tap_box is not None and tap_box["height"] >= 44, tap_box
            name_of = {n: ballot.locator(".candidate-name", has_text=n) for n in _ranks(ciara)}
            name_of[CIARA].tap()
            name_of[AOIFE].tap()
            name_of[BRIAN].tap()
            assert _ranks(ciara) == {BRIAN: "3", CIARA: "1", AOIFE: "2"}
            _look(ciara, "election-ballot-tapped-phone", problems)
            name_of[AOIFE].tap()
            assert _ranks(ciara) == {BRIAN: "2", CIARA: "1", AOIFE: ""}
            assert _marks(ciara) == {BRIAN: "2", CIARA: "1", AOIFE: ""}
            name_of[AOIFE].tap()
            assert _ranks(ciara) == {BRIAN: "2", CIARA: "1", AOIFE: "3"}
            assert _marks(ciara) == _ranks(ciara)
            # The rank number is shown on the row (drawn from data-rank).
            shown = ciara.evaluate(
                """() => getComputedStyle(document.querySelector("li.candidate.is-ranked"),
                    "::before").content"""
            )
            assert shown not in ("", "none", "normal"), shown
            _look(ciara, "election-ballot-ranked-phone", problems)
            ballot.get_by_role("button", name="Cast my ballot").tap()
            ciara.locator("[data-voted]").wait_for()
            _flash(ciara, "Your ballot is recorded.")
            assert ciara.locator("form.election-ballot").count() == 0

            # Brian, on a laptop, with the keyboard: a rank typed into each select.
            brian_laptop = device(LAPTOP, "brian@isn.example")
            brian_laptop.goto(election_url)
            brian_laptop.get_by_label(BRIAN, exact=True).focus()
            brian_laptop.keyboard.press("1")
            brian_laptop.keyboard.press("Tab")  # to Ciara's name (a button, for the script)
            brian_laptop.keyboard.press("Tab")  # to Ciara's select
            assert brian_laptop.evaluate("() => document.activeElement.id").endswith("-2")
            brian_laptop.keyboard.press("2")
            assert _ranks(brian_laptop) == {BRIAN: "1", CIARA: "2", AOIFE: ""}
            assert _marks(brian_laptop) == _ranks(brian_laptop)
            _look(brian_laptop, "election-ballot-keyboard-laptop", problems)
            brian_laptop.get_by_role("button", name="Cast my ballot").focus()
            brian_laptop.keyboard.press("Enter")
            brian_laptop.locator("[data-voted]").wait_for()

            # Aoife gives two candidates rank 1 through the selects: refused, with why.
            aoife.goto(election_url)
            aoife.get_by_label(AOIFE, exact=True).select_option("1")
            aoife.get_by_label(CIARA, exact=True).select_option("1")
            aoife.get_by_role("button", name="Cast my ballot").tap()
            refusal = aoife.locator("[data-error]")
            refusal.wait_for()
            assert refusal.inner_text().strip() == (
                f"{CIARA} and {AOIFE} are both ranked 1: give each a different rank"
            )
            # Nothing is lost: the ballot is still hers to cast, with the ranks she gave.
            assert aoife.locator("[data-voted]").count() == 0
            assert _ranks(aoife) == {BRIAN: "", CIARA: "1", AOIFE: "1"}
            _look(aoife, "election-ballot-refused-phone", problems)
            aoife.get_by_label(CIARA, exact=True).select_option("2")
            assert _marks(aoife) == {BRIAN: "", CIARA: "2", AOIFE: "1"}
            aoife.get_by_role("button", name="Cast my ballot").tap()
            aoife.locator("[data-voted]").wait_for()

            dev_phone = device(PHONE_800, "dev@isn.example")
            dev_phone.goto(election_url)
            names = dev_phone.locator("form.election-ballot .candidate-name")
            names.filter(has_text=CIARA).tap()
            names.filter(has_text=BRIAN).tap()
            dev_phone.get_by_role("button", name="Cast my ballot").tap()
            dev_phone.locator("[data-voted]").wait_for()

            # 4. The organiser closes and counts.
            nia.goto(election_url)
            nia.get_by_role("button", name="Close and count").click()
            _flash(nia, "The ballot is closed and counted.")
            nia.get_by_role("heading", name="Result").wait_for()
            elected = nia.locator("[data-elected] li").all_inner_texts()
            _look(nia, "election-result-laptop", problems)

            ciara.goto(election_url)
            ciara.get_by_role("heading", name="Result").wait_for()
            _look(ciara, "election-result-phone", problems)
            region = ciara.get_by_role("region", name="Round by round")
            table = region.locator("table.rounds")
            assert ciara.evaluate(
                """() => getComputedStyle(document.querySelector(".table-scroll")).overflowX"""
            ) in ("auto", "scroll")
            # Wider than the phone, the table scrolls inside its region: the page does not.
            assert region.evaluate("(el) => el.scrollWidth > el.clientWidth")
            box = region.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
            region.evaluate("(el) => { el.scrollLeft = el.scrollWidth; }")
            assert region.evaluate("(el) => el.scrollLeft > 0")
            assert_fits_phone(ciara)
            bars = ciara.locator("ul.bars li")
            assert bars.count() == 3
            for i in range(bars.count()):
                meter = bars.nth(i).locator("meter").bounding_box()
                assert meter is not None and meter["width"] > 40, meter
                assert meter["x"] + meter["width"] <= 360
            rounds_text = table.inner_text()
            counted = ciara.inner_text("main")
        # 5. What was counted, read back from the store.
        with app.app_context():
            from voting.elections.models import Election, ElectionStatus

            election = db.session.scalar(select(Election).where(Election.id == election_id))
            assert election is not None and election.status is ElectionStatus.DECIDED
            stored = [e["name"] for e in election.result["elected"]]
            assert election.result["cast"] == 4
            rounds = len(election.result["rounds"])
            db.session.remove()
    finally:
        for context in contexts:
            context.close()

    # First preferences: Ciara 2 (Ciara's and Dev's), Brian 1, Aoife 1; the quota is 4/3.
    # Ciara is elected in the first round; her surplus goes to Brian (next on both of her
    # ballots), who reaches the quota.
    assert elected == stored == [CIARA, BRIAN]
    assert rounds >= 2
    assert "Round 1" in rounds_text and "Quota" in rounds_text
    assert "4 ballots counted." in counted
    assert f"{CIARA}, {BRIAN} elected" in counted
    assert problems == {}, problems
