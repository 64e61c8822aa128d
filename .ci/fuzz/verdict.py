"""Read one schemathesis run of .ci/checks/50-schemathesis.sh and say what it found.

Usage: python .ci/fuzz/verdict.py REPORT_JSON EXIT_CODE TALLY_JSON

Prints the share of requests that got a 2xx per operation (from the hooks' tally), then the
verdict, and exits with:
  0  passed;
  1  a finding about the service: a failed check (5xx, response not matching the schema, an
     undocumented status), an error that comes from the service or our own set-up (network error,
     schema error, hook error, unhealthy API...), or a run that could not start or tested nothing;
  3  a crash inside the fuzzer and nothing else: the check is not conclusive and may be retried.

schemathesis gives a failed check and an error inside the tool the same exit code (1), so the exit
code alone cannot tell them apart. Its JSON report (`--report json`) can: `failures` lists the
failed checks, and `errors` lists each error by the title schemathesis gives its kind (see
schemathesis/engine/errors.py, EngineErrorInfo.title). "Runtime Error" is its title for an
exception it could not place in any known kind, i.e. one raised inside schemathesis or hypothesis
themselves (such as the SystemError of hypothesis' lambda_sources described in
.ci/checks/50-schemathesis.sh); "Test Execution Error" is its fatal internal error. Every other
title names something outside the tool.
"""

import json
import sys

TOOL_CRASH_TITLES = {"Runtime Error", "Test Execution Error"}
PASSED, FINDING, TOOL_CRASH = 0, 1, 3


def _table(tally: dict) -> None:
    rows = tally.get("tally", {})
    if not rows:
        print("fuzz: no requests were tallied")
        return
    print(f"{'operation':<36} {'requests':>8} {'2xx':>6} {'positive':>8} {'2xx of positive':>15} {'live':>5}")
    for label in sorted(rows, key=lambda name: (name.split()[1], name.split()[0])):
        row = rows[label]
        share = f"{100 * row['ok'] / row['requests']:.0f}%" if row["requests"] else "-"
        positive_share = f"{100 * row['positive_ok'] / row['positive']:.0f}%" if row["positive"] else "-"
        print(
            f"{label:<36} {row['requests']:>8} {share:>6} {row['positive']:>8} {positive_share:>15} {row['live']:>5}"
        )
    print(f"fuzz: live objects handed out: {json.dumps(tally.get('pool_used', {}), sort_keys=True)}")


def verdict(report: dict | None, exit_code: int) -> tuple[int, str]:
    if report is None:
        if exit_code == 0:
            return FINDING, "schemathesis exited 0 but wrote no report"
        # No report at all: the process died before its report handler ran (an uncaught exception
        # inside the tool, a signal). A usage error would repeat on the retry and fail it then.
        return TOOL_CRASH, f"schemathesis exited {exit_code} without writing its report"
    failures = report.get("failures") or []
    errors = report.get("errors") or []
    if failures:
        found = "; ".join(f"{f['title']} ({f['count']}x: {', '.join(f['operations'])})" for f in failures)
        return FINDING, f"failed checks on the service: {found}"
    service_errors = [e for e in errors if e["title"] not in TOOL_CRASH_TITLES]
    if service_errors:
        found = "; ".join(f"{e['title']} ({e['count']}x)" for e in service_errors)
        return FINDING, f"errors outside the fuzzer: {found}"
    if errors:
        found = "; ".join(f"{e['title']} ({e['count']}x)" for e in errors)
        return TOOL_CRASH, f"crash inside the fuzzer, not a finding about the service: {found}"
    if exit_code != 0:
        reason = report.get("stop_reason")
        return FINDING, f"schemathesis exited {exit_code} (stop reason: {reason}); nothing tested or a bad set-up"
    cases = report.get("test_cases", {}).get("generated", 0)
    return PASSED, f"{cases} cases, no failed check"


def main(report_path: str, exit_code: str, tally_path: str) -> int:
    try:
        with open(tally_path) as tally:
            _table(json.load(tally))
    except (OSError, ValueError) as error:
        print(f"fuzz: no tally ({error})")
    try:
        with open(report_path) as report_file:
            report = json.load(report_file)
    except (OSError, ValueError):
        report = None
    code, reason = verdict(report, int(exit_code))
    print(f"fuzz verdict: {('passed', 'FINDING', None, 'TOOL CRASH')[code]}: {reason}")
    return code


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
