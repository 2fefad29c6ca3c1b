"""The WSGI entry point: `flask --app wsgi run`, or gunicorn with gevent workers."""

from gevent import monkey

monkey.patch_all()

from voting import create_app  # noqa: E402  (after patching, as gevent requires)

app = create_app()
