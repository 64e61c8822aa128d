#!/usr/bin/env bash
# Fuzz the live API with schemathesis: a gunicorn server on a free loopback port, its own
# PostgreSQL database with the demo data (an operator and suppliers with payments in every state),
# one run with an operator's JWT and one with a supplier's, every documented operation, at least
# 100 examples each. Checks: no 5xx, responses match the schema, status codes are documented.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUN="env PIPENV_VENV_IN_PROJECT=1 PIPENV_VERBOSITY=-1 python3 -m pipenv run"
EXAMPLES=${SCHEMATHESIS_EXAMPLES:-100}
SEED=${SCHEMATHESIS_SEED:-20241001}
DB="${CI_DB_NAME:-codevance_ci}_fuzz"
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

dropdb -h 127.0.0.1 -U postgres --if-exists "$DB"
createdb -h 127.0.0.1 -U postgres "$DB"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export DEBUG=False JWT_ACCESS_MINUTES=120 CELERY_BROKER_URL= LOG_LEVEL=WARNING
# The fuzzer sends thousands of requests from one address: lift the throttles and the lockout.
export THROTTLE_AUTH_RATE=1000000/min THROTTLE_WRITE_RATE=1000000/min AXES_FAILURE_LIMIT=1000000
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
$RUN python manage.py migrate --noinput >/dev/null
$RUN python manage.py load_demo_data

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
.venv/bin/gunicorn codevance_api.wsgi --bind "127.0.0.1:$port" --workers 2 --log-level warning \
  >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 60); do
  curl -fs "$base/api/schema/" -o /dev/null && break
  sleep 1
done
curl -fs "$base/api/schema/" -o /dev/null || { cat "$work/server.log"; echo "schemathesis: server did not start" >&2; exit 1; }

token() {
  curl -fs -X POST "$base/api/token/" -H 'Content-Type: application/json' \
    -d "{\"email\": \"$1\", \"password\": \"$2\"}" | python3 -c 'import json, sys; print(json.load(sys.stdin)["access"])'
}

status=0
for who in "operator01@email.com operator01" "user01@email.com user01"; do
  set -- $who
  echo "== schemathesis as $1 =="
  .venv/bin/schemathesis run "$base/api/schema/" \
    --header "Authorization: Bearer $(token "$1" "$2")" \
    --checks not_a_server_error,response_schema_conformance,status_code_conformance \
    --phases examples,coverage,fuzzing \
    --max-examples "$EXAMPLES" --seed "$SEED" --workers 2 --no-color \
    --suppress-health-check all || status=1
done
if [ "$status" -ne 0 ]; then
  echo "---- server log ----"; tail -n 100 "$work/server.log"
fi
exit "$status"
