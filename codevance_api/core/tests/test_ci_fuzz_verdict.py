"""The CI fuzz step (.ci/checks/50-schemathesis.sh) tells a crash inside the fuzzer, which it retries,
from a finding about the service, which fails it at once, by reading schemathesis' JSON report
(.ci/fuzz/verdict.py): the exit code is 1 for both (issue 17)."""

import importlib.util
import json
from pathlib import Path

import pytest
from django.conf import settings

_spec = importlib.util.spec_from_file_location("fuzz_verdict", Path(settings.BASE_DIR) / ".ci" / "fuzz" / "verdict.py")
verdict_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(verdict_module)
verdict = verdict_module.verdict
PASSED, FINDING, TOOL_CRASH = verdict_module.PASSED, verdict_module.FINDING, verdict_module.TOOL_CRASH

RUNTIME_ERROR = {"title": "Runtime Error", "count": 1}
SERVER_ERROR = {
    "type": "server_error", "code": "not_a_server_error", "title": "Server error", "severity": "critical",
    "count": 1, "operations": ["POST /api/anticipations/"],
}


def _report(*, failures=(), errors=(), generated=2087, stop_reason="completed"):
    return {
        "exit_code": 1 if failures or errors else 0,
        "stop_reason": stop_reason,
        "test_cases": {"generated": generated},
        "failures": list(failures),
        "errors": list(errors),
    }


def test_a_failed_check_is_a_finding_even_when_the_fuzzer_also_crashed():
    code, reason = verdict(_report(failures=[SERVER_ERROR], errors=[RUNTIME_ERROR]), 1)
    assert code == FINDING
    assert "POST /api/anticipations/" in reason


@pytest.mark.parametrize(
    "title",
    ["Network Error", "Schema Error", "Hook Error", "Unhealthy API", "Server Unavailable", "Configuration Error"],
)
def test_an_error_from_outside_the_fuzzer_is_a_finding(title):
    code, _ = verdict(_report(errors=[RUNTIME_ERROR, {"title": title, "count": 1}]), 1)
    assert code == FINDING


@pytest.mark.parametrize("title", ["Runtime Error", "Test Execution Error"])
def test_only_errors_inside_the_fuzzer_are_a_tool_crash(title):
    code, reason = verdict(_report(errors=[{"title": title, "count": 2}]), 1)
    assert code == TOOL_CRASH
    assert "not a finding" in reason


def test_a_run_that_died_before_writing_its_report_is_a_tool_crash():
    assert verdict(None, 1)[0] == TOOL_CRASH


def test_a_clean_exit_without_a_report_is_not_a_pass():
    assert verdict(None, 0)[0] == FINDING


def test_a_run_that_tested_nothing_is_a_finding():
    code, _ = verdict(_report(generated=0), 2)
    assert code == FINDING


def test_a_clean_run_passes():
    assert verdict(_report(), 0) == (PASSED, "2087 cases, no failed check")


def test_the_verdict_reads_the_report_and_tally_files_and_prints_the_2xx_table(tmp_path, capsys):
    report, tally = tmp_path / "report.json", tmp_path / "tally.json"
    report.write_text(json.dumps(_report(errors=[RUNTIME_ERROR])))
    tally.write_text(json.dumps({
        "tally": {"POST /api/payments/": {"requests": 10, "ok": 4, "positive": 5, "positive_ok": 4, "live": 4}},
        "pool_used": {"available": 3},
    }))
    assert verdict_module.main(str(report), "1", str(tally)) == TOOL_CRASH
    out = capsys.readouterr().out
    assert "POST /api/payments/" in out and "40%" in out and "80%" in out
    assert "TOOL CRASH" in out
