"""The README's API examples are true: each `curl` of its "Examples" block is replayed on the demo data
(`load_demo_data`, fresh ids) and the README's response must be what the service answers.

Equal values everywhere, except three kinds the README cannot pin: tokens (any string), dates and
timestamps (the same number of days from "today" as in the README's run, whose day the block
names), and nothing else. Dates in the commands are `$(date -d '+N days' +%F)`, so the examples
never go stale.
"""

import json
import re
import shlex
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from rest_framework.test import APIClient

README = Path(__file__).resolve().parents[4] / "README.md"
FROZEN_DAY = date(2031, 3, 12)
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$")
SHELL_DATE = re.compile(r"\$\(date -d '\+(\d+) days' \+%F\)")


def examples_block(text: str) -> str:
    match = re.search(r"### Examples.*?\n```bash\n(.*?)\n```", text, re.S)
    assert match, "README.md has no '### Examples' bash block"
    return match.group(1)


def parse_examples(block: str):
    """[(curl argv, expected JSON)] in order, and the day of the README's run."""
    run_day = re.search(r"# Produced by a real run on (\d{4}-\d{2}-\d{2})", block)
    assert run_day, "the Examples block must say on which day it was produced"
    lines, examples, index = block.splitlines(), [], 0
    while index < len(lines):
        line = lines[index]
        if not line.startswith("$ curl"):
            index += 1
            continue
        command = line[2:]
        while command.endswith("\\"):
            index += 1
            command = command[:-1] + " " + lines[index].strip()
        index += 1
        body = []
        while index < len(lines) and lines[index].strip() and not lines[index].startswith(("$", "#")):
            body.append(lines[index])
            index += 1
        examples.append((command, json.loads("\n".join(body)) if body else None))
    return examples, date.fromisoformat(run_day.group(1))


def request_of(command: str, today: date):
    """(method, path, JSON body or None, token variable or None) of one README curl command."""
    command = SHELL_DATE.sub(lambda m: (today + timedelta(days=int(m.group(1)))).isoformat(), command)
    argv = shlex.split(command.replace("$TOKEN", "TOKEN").replace("$OPERATOR_TOKEN", "OPERATOR_TOKEN"))
    method, body, token, path = "GET", None, None, None
    arguments = iter(argv[1:])
    for argument in arguments:
        if argument == "-X":
            method = next(arguments)
        elif argument == "-d":
            body = json.loads(next(arguments))
        elif argument == "-H":
            header = next(arguments)
            if header.startswith("Authorization: Bearer "):
                token = header.split()[-1]
        elif argument.startswith("localhost:8000/"):
            path = argument[len("localhost:8000"):]
    assert path, command
    return method, path, body, token


def assert_matches(actual, documented, *, shift: timedelta, where="response"):
    """`documented` (from the README) is what the service answered, up to tokens, dates and timestamps."""
    if isinstance(documented, dict):
        assert isinstance(actual, dict) and list(actual) == list(documented), (where, actual, documented)
        for key in documented:
            assert_matches(actual[key], documented[key], shift=shift, where=f"{where}.{key}")
    elif isinstance(documented, list):
        assert isinstance(actual, list) and len(actual) == len(documented), (where, actual, documented)
        for n, (got, shown) in enumerate(zip(actual, documented)):
            assert_matches(got, shown, shift=shift, where=f"{where}[{n}]")
    elif isinstance(documented, str) and documented.startswith("eyJ"):
        assert isinstance(actual, str) and actual.startswith("eyJ"), where
    elif isinstance(documented, str) and DATE.match(documented):
        assert isinstance(actual, str) and DATE.match(actual), (where, actual)
        assert date.fromisoformat(actual) - date.fromisoformat(documented) == shift, (where, actual, documented)
    elif isinstance(documented, str) and TIMESTAMP.match(documented):
        assert isinstance(actual, str) and TIMESTAMP.match(actual), (where, actual)
        days = datetime.fromisoformat(actual).date() - datetime.fromisoformat(documented).date()
        assert days == shift, (where, actual, documented)
    elif isinstance(documented, str) and documented.startswith("http://localhost:8000/"):
        # A cursor encodes a row's due date, so it differs from day to day: compare the rest of the link.
        def strip(link):
            link = link.replace("http://testserver/", "http://localhost:8000/")
            return re.sub(r"cursor=[^&]+", "cursor=<cursor>", link)

        assert isinstance(actual, str) and strip(actual) == strip(documented), (where, actual)
    else:
        assert actual == documented and type(actual) is type(documented), (where, actual, documented)


def run_examples(examples, today: date):
    """Replay the README's commands in order; yields (command, answered JSON, expected JSON)."""
    clients = {}
    for command, expected in examples:
        method, path, body, token = request_of(command, today)
        client = clients.get(token) or APIClient()
        response = client.generic(method, path, json.dumps(body) if body is not None else "",
                                  content_type="application/json")
        answered = response.json() if response.content else None
        assert response.status_code < 400, (command, response.status_code, answered)
        if path == "/api/token/":
            # The README logs in as a supplier, then as an operator: their access tokens are $TOKEN and
            # $OPERATOR_TOKEN in the commands that follow.
            name = "OPERATOR_TOKEN" if "operator" in body["email"] else "TOKEN"
            clients[name] = APIClient()
            clients[name].credentials(HTTP_AUTHORIZATION=f"Bearer {answered['access']}")
        yield command, answered, expected


@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_every_readme_api_example_is_what_the_service_answers():
    examples, run_day = parse_examples(examples_block(README.read_text()))
    assert len(examples) >= 6
    with time_machine.travel(f"{FROZEN_DAY.isoformat()} 12:00:00-03:00", tick=False):
        call_command("load_demo_data", verbosity=0)
        for command, answered, expected in run_examples(examples, FROZEN_DAY):
            assert expected is not None, f"the README shows no response for: {command}"
            assert_matches(answered, expected, shift=FROZEN_DAY - run_day, where=command)


def test_readme_claims_page_numbers_and_an_integer_count():
    api_section = README.read_text().split("## The API", 1)[1].split("\n## ", 1)[0]
    assert "?page=" in api_section
    assert "refused with a 400" not in api_section
    assert '"count": null' not in api_section and "`null` unless" not in api_section
    assert "2026-12-10" not in README.read_text()
