#!/usr/bin/env bash
# Supply chain: pip-audit on every locked dependency (Pipfile.lock, default and develop) and
# bandit on our code (.bandit.yml), plus offline integrity checks of the lock and the install.
#
# pip-audit needs its vulnerability database (the PyPI JSON API, or OSV). A canary makes sure
# the database was really consulted: django==3.2.0 has published advisories, so if pip-audit
# finds nothing there it could not reach the database, and a clean result would mean nothing.
# Then the audit is reported as NOT RUN (never as passed); with SUPPLY_CHAIN_REQUIRE_AUDIT=1
# (set it wherever CI has network) that is a failure. Accepted advisories, each with its reason,
# go in .ci/pip-audit-ignore.txt ("ID  # why").
set -euo pipefail
cd "$(dirname "$0")/../.."
make -s install-dev >/dev/null
RUN="env PIPENV_VENV_IN_PROJECT=1 PIPENV_VERBOSITY=-1 python3 -m pipenv run"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== supply-chain: the lock matches the Pipfile and pins every package by hash =="
env PIPENV_VENV_IN_PROJECT=1 PIPENV_VERBOSITY=-1 python3 -m pipenv verify
python3 - "$work/requirements.txt" <<'PY'
import json
import sys

lock = json.load(open("Pipfile.lock"))
lines, unhashed = [], []
for section in ("default", "develop"):
    for name, entry in sorted(lock[section].items()):
        if "version" not in entry or not entry.get("hashes"):
            unhashed.append(name)
            continue
        marker = f"; {entry['markers']}" if entry.get("markers") else ""
        hashes = " ".join(f"--hash={h}" for h in entry["hashes"])
        lines.append(f"{name}{entry['version']}{marker} {hashes}")
if unhashed:
    sys.exit(f"supply-chain: not pinned by version and hash in Pipfile.lock: {', '.join(unhashed)}")
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
print(f"supply-chain: {len(lines)} locked packages, all pinned with hashes")
PY

echo "== supply-chain: the installed packages are consistent =="
$RUN python -m pip check

echo "== supply-chain: bandit on the code (.bandit.yml) =="
$RUN bandit -c .bandit.yml -r . -q

echo "== supply-chain: pip-audit on the locked dependencies =="
echo "django==3.2.0" > "$work/canary.txt"
canary_rc=0
$RUN pip-audit -r "$work/canary.txt" --disable-pip --no-deps --progress-spinner off \
  >"$work/canary.out" 2>&1 || canary_rc=$?
if [ "$canary_rc" -ne 1 ] || ! grep -qi "^django " "$work/canary.out"; then
  echo "supply-chain: pip-audit NOT RUN: its vulnerability database is unreachable from here" >&2
  echo "  (the canary django==3.2.0, which has published advisories, came back with none:" >&2
  sed 's/^/    /' "$work/canary.out" | tail -n 3 >&2
  echo "  ). The locked dependencies were NOT audited for known vulnerabilities." >&2
  if [ "${SUPPLY_CHAIN_REQUIRE_AUDIT:-0}" = "1" ]; then
    exit 1
  fi
  echo "supply-chain: bandit clean, lock pinned by hash; pip-audit NOT RUN (offline)"
  exit 0
fi

ignores=()
if [ -f .ci/pip-audit-ignore.txt ]; then
  while read -r id _; do
    [ -n "$id" ] && [ "${id:0:1}" != "#" ] && ignores+=(--ignore-vuln "$id")
  done <.ci/pip-audit-ignore.txt
fi
$RUN pip-audit -r "$work/requirements.txt" --disable-pip --require-hashes --strict --progress-spinner off \
  "${ignores[@]}"
echo "supply-chain: bandit clean, lock pinned by hash, pip-audit clean"
