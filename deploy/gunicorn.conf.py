"""gunicorn's settings for one process of the app: `gunicorn -c deploy/gunicorn.conf.py
-b 127.0.0.1:8001 wsgi:app`, one such process per core, each on a port of its own behind
the reverse proxy (docs/deployment.md).

One worker per process: a Socket.IO connection's session lives in the process that
accepted it, and gunicorn's own balancing between workers knows nothing of sessions.
"""

import os

workers = 1
# gevent with gevent-websocket's handler: gunicorn's plain gevent worker takes no websocket.
worker_class = "geventwebsocket.gunicorn.workers.GeventWebSocketWorker"
# Phones connected to one process at once (gevent's default of 1,000 is a small hall).
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "10000"))
# On a stop, connections get this long to finish; phones then reconnect to another process.
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", "10"))
# gunicorn's control socket (25.1 and later) is not used: several processes on one machine
# would all take its default path.
control_socket_disable = True
