"""The structure holds: no module of a domain imports, directly or not, a module of the
same domain that imports it back (import-linter checks the direction between domains)."""

from __future__ import annotations

import grimp
import pytest

DOMAINS = (
    "voting.core",
    "voting.org",
    "voting.membership",
    "voting.ballots",
    "voting.meetings",
    "voting.consultations",
)


@pytest.mark.parametrize("domain", DOMAINS)
def test_no_import_cycle_inside_a_domain(domain: str) -> None:
    graph = grimp.build_graph("voting")
    modules = [m for m in graph.modules if m.startswith(f"{domain}.")]
    cycles = sorted(
        {
            tuple(sorted((a, b)))
            for a in modules
            for b in graph.find_modules_directly_imported_by(a)
            if b.startswith(f"{domain}.") and graph.chain_exists(importer=b, imported=a)
        }
    )
    assert cycles == [], f"modules importing each other in {domain}: {cycles}"
