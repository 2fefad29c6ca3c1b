"""The load harness on a small hall: 20 phones against one process on SQLite join, see the
poll open, vote and are all acknowledged, and every acknowledged vote is in the database
with the choice the phone made."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bench import load

pytestmark = pytest.mark.slow


def test_twenty_phones_vote_on_one_process_and_none_is_lost(tmp_path: Path) -> None:
    figures = load.measure("sqlite", 20, tmp_path)

    assert figures["joined"] == 20 and figures["broadcast_reached"] == 20, figures["errors"]
    assert figures["acknowledged"] == figures["sent"] == 20, figures["errors"]
    assert figures["not_acknowledged"] == figures["lost"] == figures["counted_twice"] == 0
    assert figures["stored"] == 20 and figures["stored_not_acknowledged"] == 0
    assert figures["result_cast"] == 20 and figures["result_matches_database"]
    assert figures["server"]["cpu_seconds"] > 0 and figures["server"]["rss_peak_mib"] > 0
