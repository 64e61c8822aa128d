"""A real HTTP (and HTTPS) receiver in a thread, and fake DNS answers for host names (no lookup leaves the
machine)."""

import datetime
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


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


class TLSReceiver(Receiver):
    """Receiver over TLS on 127.0.0.1 with `cert_pem`/`key_pem`; records the SNI server name of each handshake
    in `server_names` and each failed handshake in `handshake_errors`."""

    def __init__(self, *, cert_file, key_file):
        super().__init__()
        self.server_names = []
        self.handshake_errors = []
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        context.sni_callback = lambda sslsocket, name, ctx: self.server_names.append(name)
        receiver = self

        class Server(ThreadingHTTPServer):
            def get_request(self):
                connection, address = self.socket.accept()
                # The handshake happens in the handler's thread (first read), not in the accepting loop.
                return context.wrap_socket(connection, server_side=True, do_handshake_on_connect=False), address

            def handle_error(self, request, client_address):
                import sys

                receiver.handshake_errors.append(repr(sys.exc_info()[1]))

        handler = self.server.RequestHandlerClass
        self.server.server_close()
        self.server = Server(("127.0.0.1", 0), handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path="/hooks/codevance", host="localhost"):
        return f"https://{host}:{self.port}{path}"


# Fixed validity, wide enough for a frozen test clock and the real one (OpenSSL reads the real one).
VALID_FROM = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
VALID_UNTIL = datetime.datetime(2045, 1, 1, tzinfo=datetime.timezone.utc)


def _pem_files(tmp_path, name, certificate, key):
    cert_file, key_file = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ))
    return cert_file, key_file


@pytest.fixture(scope="session")
def test_ca():
    """A certificate authority made for this test run: (certificate, key)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Codevance webhooks test CA")])
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(VALID_FROM).not_valid_after(VALID_UNTIL)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                     content_commitment=False, key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return certificate, key


def _leaf(ca, dns_name):
    ca_certificate, ca_key = ca
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, dns_name)]))
        .issuer_name(ca_certificate.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(VALID_FROM).not_valid_after(VALID_UNTIL)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(dns_name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return certificate, key


@pytest.fixture
def tls_receiver_for(tmp_path, test_ca, settings, fake_dns):
    """tls_receiver_for("localhost"): an HTTPS receiver whose certificate (issued by test_ca) names that host;
    deliveries trust test_ca only (WEBHOOKS_CA_BUNDLE) and `localhost` resolves to 127.0.0.1 alone."""
    ca_file, _key = _pem_files(tmp_path, "ca", *test_ca)
    settings.WEBHOOKS_CA_BUNDLE = str(ca_file)
    fake_dns({"localhost": ["127.0.0.1"]})
    started = []

    def make(dns_name):
        cert_file, key_file = _pem_files(tmp_path, dns_name, *_leaf(test_ca, dns_name))
        receiver = TLSReceiver(cert_file=cert_file, key_file=key_file)
        receiver.thread.start()
        started.append(receiver)
        return receiver

    yield make
    for receiver in started:
        receiver.server.shutdown()
        receiver.server.server_close()


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
