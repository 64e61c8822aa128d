"""The WSGI and ASGI entry points (gunicorn, an ASGI server) serve the project's URLs."""

import asyncio
import io

import pytest

pytestmark = pytest.mark.django_db


def test_the_wsgi_application_answers_the_liveness_probe():
    from codevance_api.wsgi import application

    started = {}

    def start_response(status, headers):
        started["status"], started["headers"] = status, dict(headers)

    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": "/healthz", "SERVER_NAME": "testserver", "SERVER_PORT": "80",
        "wsgi.input": io.BytesIO(b""), "wsgi.url_scheme": "http", "QUERY_STRING": "",
    }
    body = b"".join(application(environ, start_response))
    assert started["status"].startswith("200")
    assert body == b'{"status":"ok"}'
    assert started["headers"]["X-Request-ID"]


def test_the_asgi_application_answers_the_liveness_probe():
    from codevance_api.asgi import application

    sent, requested = [], []

    async def receive():
        if not requested:
            requested.append(True)
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client stays connected until the response is sent

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http", "method": "GET", "path": "/healthz", "raw_path": b"/healthz", "query_string": b"",
        "headers": [(b"host", b"testserver")], "server": ("testserver", 80), "client": ("127.0.0.1", 5000),
        "scheme": "http", "http_version": "1.1", "asgi": {"version": "3.0"},
    }
    asyncio.run(application(scope, receive, send))
    assert sent[0]["status"] == 200
    assert b"".join(m.get("body", b"") for m in sent[1:]) == b'{"status":"ok"}'
