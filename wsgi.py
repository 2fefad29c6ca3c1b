"""The entry point: gunicorn's `wsgi:app`, and `python wsgi.py` for the embedded server.

gevent patches the standard library before anything else is imported, as it requires.
"""

from gevent import monkey

monkey.patch_all()

import os  # noqa: E402

from voting.app import create_app  # noqa: E402
from voting.core.extensions import socketio  # noqa: E402

app = create_app()

if __name__ == "__main__":
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    print(f"Serving on http://{host}:{port}/  (Ctrl-C to stop)", flush=True)
    socketio.run(app, host=host, port=port)
