"""Every answer tells the browser what it may run and who may frame it: scripts and
styles from this site only (an injected inline script or handler never runs), no plugin,
forms posting here, no framing except for the projector where the operator allows it."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient


def directives(answer) -> dict[str, str]:  # type: ignore[no-untyped-def]
    policy = answer.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


@pytest.mark.parametrize("path", ["/", "/login", "/meetings/1/projector", "/api/v1/openapi.json"])
def test_pages_and_the_api_carry_the_policy(client: FlaskClient, demo: None, path: str) -> None:
    answer = client.get(path)
    policy = directives(answer)
    assert policy["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] in ("same-origin", "strict-origin")


def test_no_page_may_be_framed_by_default(client: FlaskClient, demo: None) -> None:
    for path in ("/", "/meetings/1/projector"):
        answer = client.get(path)
        assert directives(answer)["frame-ancestors"] == "'none'"
        assert answer.headers["X-Frame-Options"] == "DENY"


def test_only_the_projector_may_be_framed_where_the_operator_allows(
    app: Flask, client: FlaskClient, demo: None
) -> None:
    app.config["DISPLAY_FRAME_ANCESTORS"] = "'self' https://screens.example"
    projector = client.get("/meetings/1/projector")
    assert directives(projector)["frame-ancestors"] == "'self' https://screens.example"
    assert "X-Frame-Options" not in projector.headers
    home = client.get("/")
    assert directives(home)["frame-ancestors"] == "'none'"
    assert home.headers["X-Frame-Options"] == "DENY"


def test_a_secret_page_sends_only_its_origin_and_its_form_still_posts_over_https(
    app: Flask, client: FlaskClient, demo: None
) -> None:
    """The token page's address is never sent on; its own form, posted over HTTPS with
    the origin as Referer (what `strict-origin` sends), passes the CSRF check, which
    refuses a post over HTTPS without a Referer of this site."""
    import re

    from tests.fixtures.people import sign_in

    app.config["WTF_CSRF_ENABLED"] = True
    sign_in(client, "ana@wri.example")
    https = {"base_url": "https://localhost"}
    page = client.get("/account/tokens", **https)
    assert page.headers["Referrer-Policy"] == "strict-origin"
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert token is not None
    form = {"csrf_token": token.group(1), "name": "laptop", "scope": "read", "days": "30"}
    without = client.post("/account/tokens", data=form, **https)
    assert without.status_code == 400  # no Referer at all: what `no-referrer` would send
    made = client.post(
        "/account/tokens", data=form, headers={"Referer": "https://localhost/"}, **https
    )
    assert made.status_code in (200, 303), made.status_code
