"""A real HTTP receiver in a thread, and fake DNS answers for host names (no lookup leaves the machine)."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Receiver:
    """An HTTP server on 127.0.0.1 recording every POST; answers the statuses of `script` in turn, then 200."""

    def __init__(self):
        self.requests = []
        self.script = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                receiver.requests.append({"path": self.path, "headers": dict(self.headers.items()), "body": body})
                status = receiver.script.pop(0) if receiver.script else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path="/hooks/codevance"):
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def receiver():
    receiver = Receiver()
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def production_addresses(settings):
    """The production rule: https only, public addresses only."""
    settings.WEBHOOKS_ALLOW_INSECURE = False


@pytest.fixture
def fake_dns(monkeypatch):
    """fake_dns({"name": ["ip", ...]}): those names resolve to those addresses; IP literals resolve as usual;
    any other name does not resolve (so a test never sends a DNS query)."""
    answers = {}
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            return [
                (socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, 6, "",
                 (ip, port, 0, 0) if ":" in ip else (ip, port))
                for ip in answers[host]
            ]
        for numeric in (lambda: socket.inet_pton(socket.AF_INET6, host.split("%")[0]), lambda: socket.inet_aton(host)):
            try:
                numeric()  # an address literal, in any form getaddrinfo reads without DNS (127.1, 0x7f.1, ...)
            except OSError:
                continue
            return real_getaddrinfo(host, port, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr("codevance_api.webhooks.addresses.socket.getaddrinfo", getaddrinfo)

    def set_answers(mapping):
        answers.update(mapping)

    return set_answers


@pytest.fixture
def fast_webhook_retries(settings):
    settings.WEBHOOKS_MAX_ATTEMPTS = 3
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 1
    settings.WEBHOOKS_RETRY_MAX_SECONDS = 4
