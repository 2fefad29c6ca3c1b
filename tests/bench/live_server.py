"""Serve for the live benchmark, under gevent as in production: the app with N simulated
members checked in to the demo meeting (item open), or a bare python-socketio server.

    python -m tests.bench.live_server app|bare PORT DIR MEMBERS
Writes DIR/ready.json (session cookies, the chair's API token, ids) once listening.
"""

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402


def serve_app(port: int, folder: Path, members: int) -> None:
    from datetime import timedelta

    from voting.app import create_app
    from voting.core.columns import utcnow
    from voting.core.extensions import db, socketio
    from voting.meetings.services import agenda
    from voting.meetings.services.simulation import load_demo_meeting, simulated_members
    from voting.meetings.simulate import session_cookie
    from voting.membership.models import ApiToken, Person
    from voting.membership.services.tokens import digest, new_secret

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
            "SECRET_KEY": "bench-secret",
            "PUBLIC_URL": f"http://127.0.0.1:{port}",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        from voting.demo import load_demo

        load_demo()
        meeting = load_demo_meeting()
        people = simulated_members(meeting, members)
        chair = db.session.query(Person).filter_by(email="chris@wri.example").one()
        item = next(i for i in meeting.items if i.motions)
        agenda.open_item(chair, item)
        secret = new_secret()
        db.session.add(
            ApiToken(
                person=chair,
                name="bench",
                token_hash=digest(secret),
                prefix="b",
                scopes="read vote chair admin",
                expires_at=utcnow() + timedelta(days=1),
            )
        )
        db.session.commit()
        ready = {
            "meeting": meeting.id,
            "motion": item.motions[0].id,
            "token": secret,
            "cookie_name": app.config["SESSION_COOKIE_NAME"],
            "cookies": [session_cookie(app, p) for p in people],
        }
        db.session.remove()
    (folder / "ready.json").write_text(json.dumps(ready))
    socketio.run(app, host="127.0.0.1", port=port, log_output=False)


def serve_bare(port: int, folder: Path) -> None:
    import socketio
    from gevent import pywsgi
    from geventwebsocket.handler import WebSocketHandler

    server = socketio.Server(async_mode="gevent")

    @server.on("join")
    def join(sid, data):  # type: ignore[no-untyped-def]
        server.enter_room(sid, "all")
        return {"ok": True}

    @server.on("broadcast")
    def broadcast(sid, data):  # type: ignore[no-untyped-def]
        server.emit("fragments", data, to="all")
        return {"ok": True}

    @server.on("answer")
    def answer(sid, data):  # type: ignore[no-untyped-def]
        return {"ok": True}

    (folder / "ready.json").write_text(json.dumps({"bare": True}))
    app = socketio.WSGIApp(server)
    pywsgi.WSGIServer(
        ("127.0.0.1", port), app, handler_class=WebSocketHandler, log=None
    ).serve_forever()


if __name__ == "__main__":
    kind, port, folder, members = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
    if kind == "app":
        serve_app(port, folder, members)
    else:
        serve_bare(port, folder)
