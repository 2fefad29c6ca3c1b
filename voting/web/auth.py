"""Sign-in, sign-out, password reset, invitations and API tokens."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
