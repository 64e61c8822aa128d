import json
import logging

import pytest
from celery import shared_task
from celery.contrib.testing.worker import start_worker

from codevance_api.celery import app as celery_app
from codevance_api.core.request_id import (
    JsonFormatter,
    RequestIdFilter,
    current_request_id,
    request_id_context,
)

pytestmark = pytest.mark.django_db

task_logger = logging.getLogger("codevance_api.tests.request_id_task")


@shared_task(name="codevance_api.core.tests.log_inside_a_task")
def log_inside_a_task(marker):
    task_logger.warning("inside the task %s", marker)


@pytest.fixture
def captured(caplog):
    """Log records as the console handler sees them: with the request id filter applied."""
    caplog.handler.addFilter(RequestIdFilter())
    caplog.set_level(logging.INFO)
    yield caplog
    caplog.handler.removeFilter(caplog.handler.filters[-1])


def test_every_response_carries_a_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_the_platforms_request_id_is_kept(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="5e1f7c2a-heroku-router-id")
    assert response["X-Request-ID"] == "5e1f7c2a-heroku-router-id"


@pytest.mark.parametrize("bad", ["short", "has spaces in it", "a" * 300, "evil\r\nheader: x"])
def test_a_malformed_incoming_request_id_is_replaced(client, bad):
    assert client.get("/healthz", HTTP_X_REQUEST_ID=bad)["X-Request-ID"] != bad


def test_log_lines_written_during_a_request_carry_its_id(api_client, captured):
    response = api_client.get("/api/payments/", HTTP_X_REQUEST_ID="req-0123456789")
    assert response.status_code == 401
    lines = [record for record in captured.records if record.name == "django.request"]
    assert lines and all(record.request_id == "req-0123456789" for record in lines)


def test_log_lines_outside_a_request_say_so(captured):
    logging.getLogger("codevance_api").warning("no request here")
    assert captured.records[-1].request_id == "-"


def test_json_lines_hold_the_request_id_and_extra_fields():
    record = logging.makeLogRecord({"name": "x", "levelname": "INFO", "msg": "paid %s", "args": (3,), "payment": 3})
    with request_id_context("req-abcdefgh"):
        RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "paid 3"
    assert line["request_id"] == "req-abcdefgh"
    assert line["payment"] == 3


@pytest.fixture(scope="module")
def memory_worker():
    """A real worker (a thread, solo pool) consuming from the in-memory broker: tasks cross a queue,
    and the worker thread starts with no request id of its own."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.broker_url, conf.broker_transport_options
    conf.task_always_eager = False
    conf.broker_url = "memory://"
    conf.broker_transport_options = {"polling_interval": 0.05}
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker
    conf.task_always_eager, conf.broker_url, conf.broker_transport_options = saved


def test_the_request_id_reaches_the_log_of_a_task_run_by_a_worker(memory_worker, captured):
    with request_id_context("req-worker-0001"):
        result = log_inside_a_task.apply_async(args=["m1"])
    assert current_request_id() is None
    wait_for_record(captured, "inside the task m1")
    (record,) = [r for r in captured.records if r.getMessage() == "inside the task m1"]
    assert record.request_id == "req-worker-0001"
    assert result.id


def test_a_task_queued_outside_a_request_logs_without_an_id(memory_worker, captured):
    log_inside_a_task.apply_async(args=["m2"])
    wait_for_record(captured, "inside the task m2")
    (record,) = [r for r in captured.records if r.getMessage() == "inside the task m2"]
    assert record.request_id == "-"


def wait_for_record(caplog, message, timeout=10):
    import threading

    done = threading.Event()
    for _ in range(int(timeout / 0.05)):
        if any(r.getMessage() == message for r in caplog.records):
            return
        done.wait(0.05)
    raise AssertionError(f"the worker never logged {message!r}")


def test_json_lines_outside_a_request_carry_a_dash_the_utc_time_and_the_traceback():
    import sys

    record = logging.makeLogRecord({"name": "x", "levelname": "ERROR", "msg": "failed"})
    try:
        raise ValueError("boom")
    except ValueError:
        record.exc_info = sys.exc_info()
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "-"
    assert (line["level"], line["logger"], line["message"]) == ("ERROR", "x", "failed")
    assert line["time"].endswith("+00:00")
    assert "ValueError: boom" in line["exc_info"]
