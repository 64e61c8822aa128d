"""Real processes for the end-to-end tests: an SMTP server in the test (aiosmtpd), the web
service (gunicorn), a Celery worker and Celery beat, all on the test's PostgreSQL database and
the local RabbitMQ, with a queue name of their own so that runs never see each other's messages.
"""

import asyncio
import email
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from email import policy
from pathlib import Path
from urllib.parse import quote

from aiosmtpd.controller import Controller
from celery import Celery
from django.conf import settings
from django.db import connection

PROJECT_DIR = Path(settings.BASE_DIR)
RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")
# Seconds to wait for a process to start or log something: a deadline that only a hung process
# reaches, never a speed target (CI machines are shared and may be loaded many times over).
DEADLINE = 120

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP line at INFO


def wait_until(condition, *, timeout: float, what: str, interval: float = 0.05):
    """Poll `condition` until it returns something truthy; fail with `what` at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def rabbitmq_reachable() -> bool:
    try:
        with Celery(broker=RABBITMQ_URL).connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=10)
        return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable" here
        return False


# --- SMTP -----------------------------------------------------------------------------------


@dataclass
class Received:
    sender: str
    recipients: list
    subject: str
    text: str
    html: str


class RecordingSMTP:
    """An SMTP server that records what it accepts; it can refuse or hold messages on demand."""

    def __init__(self):
        self.received: list[Received] = []
        self.refused = 0
        self._refuse_next = 0
        self._hold_next = False
        self._hold_all = False
        self.holding = threading.Event()  # set while a message is being held
        self._release = threading.Event()
        self._lock = threading.Lock()
        self.controller = _PortZeroController(self, hostname="127.0.0.1", port=0)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self._release.set()
        self.controller.stop()

    @property
    def port(self) -> int:
        return self.controller.port

    def refuse_next(self, count: int):
        self._refuse_next = count

    def hold_next(self):
        """Keep the next message's sender waiting (no reply to DATA) until `release_held()`."""
        self._hold_next = True

    def hold_all(self):
        """Keep every sender waiting until `release_held()`: no email is accepted meanwhile, so a worker
        killed now cannot have had its email accepted without recording it as sent."""
        self._release.clear()
        self.holding.clear()
        self._hold_all = True

    def release_held(self):
        self._hold_all = False
        self._release.set()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            if self._refuse_next > 0:
                self._refuse_next -= 1
                self.refused += 1
                return "451 4.3.0 Temporarily unable to accept the message, try again later"
            hold, self._hold_next = self._hold_next or self._hold_all, False
        if hold:
            self.holding.set()
            while not self._release.is_set():
                await asyncio.sleep(0.05)
            # Whoever sent it is gone by now: the message was never accepted.
            return "451 4.3.0 Not accepted"
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        with self._lock:
            self.received.append(
                Received(
                    sender=envelope.mail_from,
                    recipients=list(envelope.rcpt_tos),
                    subject=str(message["subject"]),
                    text=text.get_content() if text else "",
                    html=html.get_content() if html else "",
                )
            )
        return "250 2.0.0 OK"

    def to(self, address: str) -> list[Received]:
        with self._lock:
            return [message for message in self.received if address in message.recipients]


class _PortZeroController(Controller):
    """aiosmtpd's Controller on a port the system picks (the tests may run side by side)."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


# --- Processes ------------------------------------------------------------------------------


class ClosedPort:
    """A loopback port bound and never listened on, for as long as this object is open: a connection
    to it is refused. (A port merely found free could be taken by another process meanwhile.)"""

    def __init__(self):
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]

    def close(self):
        self._socket.close()


def database_url() -> str:
    """The URL of the test database this test process uses, for the processes it starts."""
    db = connection.settings_dict
    user = quote(db.get("USER") or "postgres", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


class Process:
    def __init__(self, name: str, args: list, env: dict, log_dir: Path, pass_fds: tuple = ()):
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = open(self.log_path, "wb")
        # Its own process group, so that "kill" takes the worker and its pool processes together.
        self.popen = subprocess.Popen(
            args, cwd=PROJECT_DIR, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
            pass_fds=pass_fds,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, text: str, timeout: float = DEADLINE):
        def seen():
            if self.popen.poll() is not None:
                raise AssertionError(f"{self.name} exited with {self.popen.returncode}:\n{self.log()[-3000:]}")
            return text in self.log()

        wait_until(seen, timeout=timeout, what=f"{self.name} to log {text!r}")

    def kill(self):
        """SIGKILL the whole process group: no shutdown handler runs, nothing is acknowledged."""
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)

    def stop(self):
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()


def procfile_command(kind: str) -> str:
    """The command of process type `kind` ("web", "worker", "beat") in the Procfile, as the platform runs it."""
    for line in (PROJECT_DIR / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if name.strip() == kind:
            return command.strip()
    raise AssertionError(f"the Procfile has no {kind!r} process")


def procfile_args(kind: str, *extra: str) -> list:
    """Run the Procfile's command through a shell (it uses ${VAR:-default}), with `extra` arguments appended."""
    return ["bash", "-c", " ".join(["exec", procfile_command(kind), *extra])]


class Web:
    """The API served by gunicorn, as in production (the Procfile's command when `procfile` is set)."""

    def __init__(self, env: dict, log_dir: Path, name: str = "web", procfile: bool = False):
        # The socket is bound and listening before gunicorn starts, and gunicorn inherits it
        # (`--bind fd://N`): choosing a free port and letting gunicorn bind it later is a race with
        # every other process on the machine. Connections wait in the kernel's queue until a worker
        # accepts them. No worker restarts (gunicorn.conf.py's max_requests has a random jitter).
        with socket.socket() as listener:
            listener.bind(("127.0.0.1", 0))
            listener.listen(64)
            self.port = listener.getsockname()[1]
            bind = ["--bind", f"fd://{listener.fileno()}", "--max-requests", "0"]
            if procfile:
                # The command line's --bind wins over gunicorn.conf.py's PORT-based one.
                args = procfile_args("web", *bind)
                env = {**env, "PORT": str(self.port), "GUNICORN_BIND_HOST": "127.0.0.1"}
            else:
                args = [sys.executable, "-m", "gunicorn", "codevance_api.wsgi", *bind,
                        "--workers", "1", "--timeout", "30", "--log-level", "info"]
            self.process = Process(name, args, env, log_dir, pass_fds=(listener.fileno(),))
        self.base_url = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = DEADLINE):
        def answers():
            if self.process.popen.poll() is not None:
                raise AssertionError(f"web exited:\n{self.process.log()[-3000:]}")
            try:
                self.request("GET", "/api/payments/", token=None, timeout=1)
            except OSError:
                return False
            return True

        wait_until(answers, timeout=timeout, what="the web process to answer")

    def request(self, method: str, path: str, *, token, body=None, timeout: float = DEADLINE):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # nosec B310 - 127.0.0.1 only
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")


class Stack:
    """Everything one end-to-end test runs against; stopped (and its queue deleted) at the end."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        run = uuid.uuid4().hex[:10]
        self.queue = f"codevance-e2e-{run}"
        self.node = f"e2e-{run}@127.0.0.1"
        self.smtp = RecordingSMTP().start()
        # The broker "down" for a web process of the outage test: a port that refuses connections.
        self._closed_port = ClosedPort()
        self.closed_broker_url = f"amqp://guest:guest@127.0.0.1:{self._closed_port.port}//"
        self.processes: list[Process] = []
        self.control = Celery(broker=RABBITMQ_URL)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "codevance_api.settings",
            # The Procfile's commands (gunicorn, celery) come from this environment's scripts.
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONUNBUFFERED": "1",
            "DATABASE_URL": database_url(),
            "SECRET_KEY": settings.SECRET_KEY,
            "JWT_SIGNING_KEY": settings.SIMPLE_JWT["SIGNING_KEY"],
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # The emails are asserted in English, like the rest of the suite (codevance_api/conftest.py).
            "LANGUAGE_CODE": "en",
            "CELERY_BROKER_URL": RABBITMQ_URL,
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp.port),
            "EMAIL_TIMEOUT": "10",
            "NOTIFICATIONS_MAX_ATTEMPTS": "5",
            "NOTIFICATIONS_RETRY_BASE_SECONDS": "0.2",
            "NOTIFICATIONS_RETRY_MAX_SECONDS": "1",
            "NOTIFICATIONS_DISPATCH_AFTER_SECONDS": "0",
            "NOTIFICATIONS_DISPATCH_EVERY_SECONDS": "0.5",
        }

    def _environment(self, env: dict) -> dict:
        """The stack's environment with `env` added (a value of None: removed)."""
        return {key: value for key, value in {**self.env, **env}.items() if value is not None}

    def _start(self, name, args, **env) -> Process:
        process = Process(name, args, self._environment(env), self.log_dir)
        self.processes.append(process)
        return process

    def start_web(self, *, procfile: bool = False, **env) -> Web:
        web = Web(self._environment(env), self.log_dir, name=f"web-{len(self.processes)}", procfile=procfile)
        self.processes.append(web.process)
        return web

    def start_worker(self, *, node: str | None = None, **env) -> Process:
        args = [sys.executable, "-m", "celery", "-A", "codevance_api", "worker", "--queues", self.queue,
                "--hostname", node or self.node, "--concurrency", "1", "--without-gossip", "--without-mingle",
                "--loglevel", "INFO"]
        return self._start(f"worker-{len(self.processes)}", args, **env)

    def start_procfile(self, kind: str, *extra: str, **env) -> Process:
        """A worker or beat started by the Procfile's own command (`extra` appended, e.g. a node name)."""
        return self._start(f"{kind}-{len(self.processes)}", procfile_args(kind, *extra), **env)

    def start_beat(self, **env) -> Process:
        name = f"beat-{len(self.processes)}"
        args = [sys.executable, "-m", "celery", "-A", "codevance_api", "beat", "--loglevel", "INFO",
                "--schedule", str(self.log_dir / f"celerybeat-schedule-{name}")]
        return self._start(name, args, **env)

    def publish_again(self, notification_id: int):
        """Put a second copy of a notification's task message on the queue (a duplicate delivery)."""
        self.control.send_task("notifications.send", args=[notification_id], queue=self.queue)

    def worker_idle(self) -> bool:
        inspect = self.control.control.inspect(destination=[self.node], timeout=2)
        for ask in (inspect.active, inspect.reserved, inspect.scheduled):
            reply = ask() or {}
            if self.node not in reply or reply[self.node]:
                return False
        with self.control.connection_for_write() as conn:
            return conn.default_channel.queue_declare(self.queue, passive=True).message_count == 0

    def worker_queue_empty(self) -> bool:
        """No message waits on this stack's queue (whichever workers consume it)."""
        with self.control.connection_for_write() as conn:
            return conn.default_channel.queue_declare(self.queue, passive=True).message_count == 0

    def settle(self, notifications, timeout: float = DEADLINE):
        """Wait until every notification is sent or failed and nothing is left in flight."""

        def settled():
            states = set(notifications.values_list("state", flat=True))
            return "pending" not in states and self.worker_idle()

        wait_until(settled, timeout=timeout, what=f"the notifications to settle (logs in {self.log_dir})", interval=0.2)

    def close(self):
        for process in reversed(self.processes):
            process.stop()
        self.smtp.stop()
        self._closed_port.close()
        try:
            with self.control.connection_for_write() as conn:
                conn.default_channel.queue_delete(self.queue)
        finally:
            self.control.close()
