"""Text as people read it: names in the order a person expects ("Member 2" before
"Member 12", case and accents aside)."""

from __future__ import annotations

import re
import unicodedata

_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that orders the numbers in a name by their value and the letters without
    regard to case or accents: "Section 2" < "section 10" < "Séction 11"."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in _DIGITS.split(folded) if part
    )
