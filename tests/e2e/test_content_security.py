"""The Content-Security-Policy in a real browser: markup that slipped past escaping runs
no script, and the watch every browser test keeps on refusals really sees them."""

from __future__ import annotations

from tests.e2e.test_foundation_flows import sign_in


def test_injected_markup_runs_no_script(live_server, phone, policy_refusals) -> None:
    sign_in(phone, live_server, "ana@wri.example")
    phone.goto(live_server + "/meetings/1")
    phone.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = 'script'";
          document.body.appendChild(script);
          document.body.insertAdjacentHTML(
            "beforeend", "<img src='/no-such-image' onerror=\\"window.injected = 'handler'\\">");
          document.body.insertAdjacentHTML("beforeend", "<p style='color: red'>styled</p>");
        }"""
    )
    phone.wait_for_timeout(500)
    assert phone.evaluate("window.injected") is None
    refused = list(policy_refusals)
    policy_refusals.clear()  # this test's refusals are the point, not a failure
    kinds = " ".join(refused)
    assert "script-src-elem" in kinds  # the inline <script>
    assert "script-src-attr" in kinds  # the onerror handler
    assert "style-src-attr" in kinds  # the style attribute
