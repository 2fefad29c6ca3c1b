"""Sealed ballots: a secret poll's choices are unreadable in every file until its count.

When a secret poll opens it gets a fresh key pair. The public key is stored with the
poll; each vote is sealed under it at cast time (a libsodium sealed box: an ephemeral
key, X25519 and XSalsa20-Poly1305) and written as one envelope per holding, in the same
transaction as the participation row, so an acknowledged vote is durable. Whoever copies
the database, its log, a backup or the instance folder at any moment sees who voted and
an envelope they cannot open.

The private key is never written anywhere. It is held in this process's memory while the
poll is open, so the poll closes by itself; and it is split into teller keys (Shamir's
scheme, any `needed` of `total` rebuild it), each shown once to a teller. If the server
restarts while the poll is open, the key is gone from memory: the poll stops at its close
and waits until enough tellers give their keys to count it.

The envelope holds the number of votes given to each choice, in the poll's order, as
fixed-width integers: every envelope of a poll has the same length, whatever the choice
or the weight.
"""

from __future__ import annotations

import base64
import binascii
import struct
import threading
from dataclasses import dataclass, field

from Crypto.Protocol.SecretSharing import Shamir
from flask_babel import gettext as _
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from voting.core.errors import Invalid

MAX_TELLERS = 9
_HALF = 16  # Shamir shares 16-byte secrets: a 32-byte key is shared as two halves


@dataclass
class _Held:
    """A poll's private key while it is in memory, with its teller keys."""

    private: PrivateKey
    teller_keys: list[str]
    shown: set[int] = field(default_factory=set)


_held: dict[str, _Held] = {}  # by public key (hex): poll ids repeat across databases
_lock = threading.Lock()


def new_key(poll_id: int, needed: int, total: int) -> str:
    """Make a poll's key pair and its `total` teller keys (any `needed` open the poll);
    keep them in memory and return the public key (hex) to store with the poll."""
    if not 1 <= needed <= total <= MAX_TELLERS:
        raise Invalid(
            _(
                "Choose between 1 and %(count)d tellers, and how many of them are needed "
                "(at least 1, at most the number of tellers).",
                count=MAX_TELLERS,
            ),
            field="tellers",
        )
    private = PrivateKey.generate()
    public = private.public_key.encode().hex()
    _keep(public, private, _split(poll_id, bytes(private), needed, total))
    return public


def has_key(public: str | None) -> bool:
    """Whether the private key of this public key is in memory."""
    return public is not None and public in _held


def private_key(public: str) -> PrivateKey | None:
    held = _held.get(public)
    return held.private if held else None


def forget(public: str | None) -> None:
    """Drop a poll's key from memory (after its count, or when it is annulled)."""
    if public is not None:
        with _lock:
            _held.pop(public, None)


def shown_teller_keys(public: str | None) -> set[int]:
    held = _held.get(public or "")
    return set(held.shown) if held else set()


def reveal_teller_key(public: str | None, number: int) -> str:
    """Teller key `number` (from 1), shown once: each teller takes theirs."""
    with _lock:
        held = _held.get(public or "")
        if held is None:
            raise Invalid(
                _("The teller keys are no longer in memory: they can be shown no more."),
                field="number",
            )
        if not 1 <= number <= len(held.teller_keys):
            raise Invalid(_("There is no teller key with that number."), field="number")
        if number in held.shown:
            raise Invalid(
                _("Teller key %(number)d has already been shown.", number=number), field="number"
            )
        held.shown.add(number)
        return held.teller_keys[number - 1]


def restore(poll_id: int, public: str, needed: int, keys: list[str]) -> None:
    """Rebuild the private key from tellers' keys and hold it in memory again."""
    shares = {}
    for text in keys:
        if text.strip():
            number, share = _parse(poll_id, text)
            shares[number] = share
    if len(shares) < needed:
        raise Invalid(
            _("%(count)d different teller keys are needed to open the ballots.", count=needed),
            field="keys",
        )
    chosen = sorted(shares.items())[:needed]
    try:
        halves = [
            Shamir.combine([(n, s[i * _HALF : (i + 1) * _HALF]) for n, s in chosen]) for i in (0, 1)
        ]
        private = PrivateKey(halves[0] + halves[1])
    except ValueError as error:
        raise Invalid(
            _("These teller keys do not open this poll's ballots."), field="keys"
        ) from error
    if private.public_key.encode().hex() != public:
        raise Invalid(_("These teller keys do not open this poll's ballots."), field="keys")
    _keep(public, private, [])


def seal(public: str, counts: list[int]) -> bytes:
    """One holding's vote, sealed: the votes it gives each choice, in the poll's order."""
    return SealedBox(PublicKey(bytes.fromhex(public))).encrypt(
        struct.pack(f">{len(counts)}I", *counts)
    )


def unseal(private: PrivateKey, envelope: bytes, choices: int) -> list[int]:
    """The votes an envelope gives each choice; a damaged envelope is an error."""
    try:
        plain = SealedBox(private).decrypt(envelope)
    except CryptoError as error:
        raise ValueError("an envelope that this key does not open") from error
    if len(plain) != 4 * choices:
        raise ValueError("an envelope of the wrong length")
    return list(struct.unpack(f">{choices}I", plain))


# --- Teller keys -------------------------------------------------------------------------
# A teller key reads "12-3-ABCD-EFGH-...": the poll, the key's number, then the share in
# base 32 (letters and digits 2-7), in groups of four.


def _split(poll_id: int, secret: bytes, needed: int, total: int) -> list[str]:
    halves = [Shamir.split(needed, total, secret[i * _HALF : (i + 1) * _HALF]) for i in (0, 1)]
    keys = []
    for (number, first), (_same, second) in zip(*halves, strict=True):
        code = base64.b32encode(first + second).decode().rstrip("=")
        groups = "-".join(code[i : i + 4] for i in range(0, len(code), 4))
        keys.append(f"{poll_id}-{number}-{groups}")
    return keys


def _parse(poll_id: int, text: str) -> tuple[int, bytes]:
    parts = text.strip().upper().replace(" ", "").split("-")
    try:
        poll, number = int(parts[0]), int(parts[1])
        code = "".join(parts[2:])
        share = base64.b32decode(code + "=" * (-len(code) % 8))
    except (ValueError, IndexError, binascii.Error) as error:
        raise Invalid(_("That is not a teller key."), field="keys") from error
    if poll != poll_id:
        raise Invalid(_("That teller key belongs to another poll."), field="keys")
    if len(share) != 2 * _HALF or not 1 <= number <= MAX_TELLERS:
        raise Invalid(_("That is not a teller key."), field="keys")
    return number, share


def _keep(public: str, private: PrivateKey, teller_keys: list[str]) -> None:
    with _lock:
        _held[public] = _Held(private, teller_keys)
