"""Handing a notification to a broker that is down never hangs: it gives up and says so.

Run in a fresh process configured with a real AMQP broker URL (the test process itself has no
broker and runs tasks in-process). Two ways a broker is down: nothing listens on the port
(refused at once), or something accepts the connection and never speaks (only the connect
timeout ends it: the case where Celery's .delay() is known to hang).
"""

import os
import socket
import subprocess
import sys

from django.conf import settings

PROBE = """
import logging, time
logging.disable(logging.CRITICAL)
import django
django.setup()
from codevance_api.notifications.services import notification_enqueue
started = time.monotonic()
print(notification_enqueue(notification_id=1), round(time.monotonic() - started, 3))
"""


def _enqueue_in_a_process(broker_url):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "codevance_api.settings", "CELERY_BROKER_URL": broker_url}
    # The subprocess timeout is a guard against a hang, not a speed target.
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    handed_over, seconds = done.stdout.split()
    print(f"broker {broker_url}: gave up in {seconds} s")
    return handed_over


def test_a_refused_broker_connection_gives_up_instead_of_retrying_forever():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, not listening: connections are refused
        assert _enqueue_in_a_process(f"amqp://guest:guest@127.0.0.1:{port}//") == "False"


def test_a_broker_that_never_answers_gives_up_after_the_connect_timeout():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)  # accepts connections (the kernel does) and never says a word
        port = sock.getsockname()[1]
        assert _enqueue_in_a_process(f"amqp://guest:guest@127.0.0.1:{port}//") == "False"
