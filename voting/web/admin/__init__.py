"""Admin pages: organisations, units, members, bodies and roles."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
