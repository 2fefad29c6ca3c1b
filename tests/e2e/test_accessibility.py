"""axe-core (vendored, MPL-2.0) finds no serious or critical accessibility problem on the
pages members and secretaries use, at phone width."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_foundation_flows import sign_in

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"

PUBLIC_PAGES = ["/", "/login", "/password/forgot"]
SECRETARY_PAGES = [
    "/",
    "/org/wri/",
    "/account",
    "/account/tokens",
    "/org/wri/invitations",
    "/admin/wri/",
    "/admin/wri/units",
    "/admin/wri/members",
    "/admin/wri/roles",
    "/admin/wri/import",
    "/admin/wri/bodies",
    "/admin/wri/bodies/conference",
    "/admin/wri/settings",
    "/org/wri/meetings",
]
# The demo's WRI conference (the first meeting); Ana is its organisation's admin.
MEETING_PAGES = ["/meetings/1", "/meetings/1/chair", "/meetings/1/projector", "/meetings/1/observe"]


def serious_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_is_accessible(live_server, phone, path: str) -> None:
    phone.goto(live_server + path)
    assert serious_violations(phone) == []


def test_secretary_pages_are_accessible(live_server, phone) -> None:
    sign_in(phone, live_server, "ana@wri.example")
    problems = {}
    for path in SECRETARY_PAGES + MEETING_PAGES:
        response = phone.goto(live_server + path)
        assert response is not None and response.status == 200, path
        if found := serious_violations(phone):
            problems[path] = found
    assert problems == {}
