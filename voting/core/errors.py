"""Errors a service raises; web and API turn them into a message a person understands."""

from __future__ import annotations


class ServiceError(Exception):
    """Refused: `message` is translated and safe to show; `field` points a form at it."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Invalid(ServiceError):
    status = 422


class NotAllowed(ServiceError):
    status = 403


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    """The state changed under the request: already done, closed, taken."""

    status = 409
