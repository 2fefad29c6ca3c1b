"""The home page's list of what needs a person, from the meetings domain: requisitions
they could sign, signed or not."""

from __future__ import annotations

from flask import Flask

from tests.fixtures.floor import body
from tests.fixtures.people import person
from voting.meetings.services import requisitions
from voting.membership.services import members
from voting.org.services.organisations import by_slug


def test_a_requisition_a_member_could_sign_is_on_their_home_page(live: Flask, signed_in) -> None:
    wsm = by_slug("wsm")
    for n in range(23):  # 30 members: 10% is 3 signatures, the starter's is the first
        members.add_member(
            person("sam@wsm.example"), wsm, {"name": f"M {n}", "email": f"m{n}@wsm.example"}
        )
    started = requisitions.start_requisition(
        person("gal@wsm.example"),
        body("wsm", "emergency-council"),
        rule="members",
        title="Emergency council on the strike ban",
        grounds="The strike ban.",
    )
    mo = signed_in("mo@wsm.example")
    home = mo.get("/").get_data(as_text=True)
    assert "Emergency council on the strike ban" in home and "Sign the requisition" in home
    requisitions.sign(person("mo@wsm.example"), started)
    assert "See the requisition" in mo.get("/").get_data(as_text=True)
    outsider = signed_in("xavier@wri.example")
    assert "Emergency council on the strike ban" not in outsider.get("/").get_data(as_text=True)
