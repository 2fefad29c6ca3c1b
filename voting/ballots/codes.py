"""Codes a person copies: a secret ballot's tracker, a ballot paper's one-time code.

Sixteen letters and digits (80 bits) in groups of four, from an alphabet without the
characters that read alike on paper (0/O, 1/I); stored only as the SHA-256 of the code
with case, spaces and dashes ignored.
"""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_code() -> str:
    """A fresh code: 4 groups of 4 letters and digits."""
    raw = "".join(secrets.choice(ALPHABET) for _i in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normal(code: str) -> str:
    """The code as compared: capitals, without spaces or dashes."""
    return code.strip().upper().replace("-", "").replace(" ", "")


def digest(code: str) -> str:
    """The stored form of a code."""
    return hashlib.sha256(normal(code).encode()).hexdigest()
