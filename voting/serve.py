"""`python -m voting.serve`: the embedded server (gevent, websockets) for one machine."""

from gevent import monkey

monkey.patch_all()

import os  # noqa: E402

from voting import create_app  # noqa: E402
from voting.extensions import socketio  # noqa: E402


def main() -> None:
    app = create_app()
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    print(f"Serving on http://{host}:{port}/  (Ctrl-C to stop)", flush=True)
    socketio.run(app, host=host, port=port)


if __name__ == "__main__":
    main()
