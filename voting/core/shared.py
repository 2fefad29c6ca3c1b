"""What the workers of one installation share beyond the database: Redis (`REDIS_URL`),
for values every worker reads (the version last pushed for a meeting) and for turns that
one worker at a time takes (pushing a meeting's screens, closing what is due).

Without Redis there is one process and nothing to share: `client` is None and `turn`
takes no lock (the callers keep their own in the process).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import redis
from flask import Flask
from redis.exceptions import LockError, RedisError

log = logging.getLogger(__name__)


def client(app: Flask) -> redis.Redis | None:
    """The app's Redis client in this process, or None without `REDIS_URL`."""
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    found = app.extensions.get("voting.redis")
    if found is None:
        found = app.extensions.setdefault(
            "voting.redis", redis.Redis.from_url(url, socket_timeout=10)
        )
    return found


@contextmanager
def turn(app: Flask, name: str, *, seconds: float) -> Iterator[bool]:
    """Hold the lock `name` across the workers while the block runs; yields whether it
    was taken.

    A turn lasts at most `seconds`: the lock expires by itself, so a worker killed while
    holding it holds the others back no longer than that. A worker waits as long for
    its turn, then goes on without it (logged): late and out of turn rather than never.
    """
    found = client(app)
    if found is None:
        yield False
        return
    lock = found.lock(f"voting:turn:{name}", timeout=seconds, sleep=0.005)
    try:
        taken = bool(lock.acquire(blocking_timeout=seconds))
    except RedisError:
        log.exception("Redis did not answer for the turn %s", name)
        taken = False
    if not taken:
        log.warning("went on without the turn %s after %.0f s", name, seconds)
    try:
        yield taken
    finally:
        if taken:
            with suppress(LockError, RedisError):  # expired meanwhile: someone else's now
                lock.release()
