#!/usr/bin/env bash
# Fuzz the live API with schemathesis: gunicorn (gunicorn.conf.py, as deployed) on its own PostgreSQL
# database holding the demo data and a pool of live objects (.ci/fuzz/pool.py); one run as an
# operator and one as a supplier; every documented operation, at least 100 examples each. Checks: no
# 5xx, responses match the schema, status codes are documented. The hooks (.ci/fuzz/hooks.py) put
# live ids, dates and refresh tokens into the generated cases, so that requests reach each
# operation's real code; the table printed after each run shows the share of 2xx per operation.
#
# The two identities run side by side, each on its own copy of the template database with its own
# server, so neither changes what the other sees.
#
# Deterministic: a fixed seed (SCHEMATHESIS_SEED, printed with the command that replays the run),
# one fuzzer worker (two workers interleave operations differently on every run, and the operations
# change each other's data), no hypothesis example database (`--generation-database none`: cases
# saved by an earlier run would be replayed first, and hypothesis keeps none under CI=true anyway),
# no schemathesis request cache (.ci/fuzz/schemathesis.toml: a second run on one checkout replayed
# and reused what the first had recorded in .schemathesis/, so it did not send what the first sent),
# each run on a fresh copy of one template database, no random gunicorn worker restarts, and no
# client timeout that a loaded machine could reach (schemathesis' default of 10 s turned a slow
# batch of 100 anticipations into a "Network Error": the response time is not what this checks).
#
# A crash inside the fuzzer is told apart from a finding (.ci/fuzz/verdict.py reads schemathesis'
# JSON report; the exit code is 1 for both). A failed check, or any error that is not the fuzzer's
# own, fails the step at once. A crash inside the fuzzer is retried once with the same seed, then
# once with a new seed (printed); it is reported loudly whether or not a retry passes.
#
# The crash seen on CI (POST /api/anticipations/: "SystemError: AST constructor recursion depth
# mismatch" from hypothesis/internal/lambda_sources.py) is CPython bug gh-106905 in Python 3.11.7:
# the `ast` module kept its recursion depth in state shared by all threads, so two threads parsing
# at once (schemathesis' workers, each with hypothesis describing a lambda) corrupt it. Fixed in
# Python 3.11.8 (python/cpython#113035). With one worker no two threads parse at once, which avoids
# it on this interpreter; the retry covers whatever else of the kind remains.
#
# Replay: SCHEMATHESIS_SEED=<seed> [FUZZ_AS=operator|supplier] CI_DB_NAME=<db> bash .ci/checks/50-schemathesis.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
RUN="env PIPENV_VENV_IN_PROJECT=1 PIPENV_VERBOSITY=-1 python3 -m pipenv run"
EXAMPLES=${SCHEMATHESIS_EXAMPLES:-100}
SEED=${SCHEMATHESIS_SEED:-20241001}
# A crash's second retry uses another seed, derived from the first so that it can be replayed too.
RETRY_SEED=$(( (SEED + 1) % 4294967296 ))
IDENTITIES=${FUZZ_AS:-operator supplier}
DB="${CI_DB_NAME:-codevance_ci}_fuzz"
TEMPLATE="${DB}_template"
work=$(mktemp -d)
runners=()
cleanup() {
  local pid
  for pid in "${runners[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  for who in $IDENTITIES; do dropdb -h 127.0.0.1 -U postgres --if-exists "${DB}_$who" >/dev/null 2>&1 || true; done
  dropdb -h 127.0.0.1 -U postgres --if-exists "$TEMPLATE" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

replay="SCHEMATHESIS_SEED=$SEED CI_DB_NAME=${CI_DB_NAME:-codevance_ci} bash .ci/checks/50-schemathesis.sh"
echo "schemathesis: seed $SEED, $EXAMPLES examples per operation, as: $IDENTITIES"
echo "schemathesis: replay with: $replay"

# The server's settings: nothing from the caller's environment may change what the run does.
unset REDIS_URL SENTRY_DSN AWS_STORAGE_BUCKET_NAME DJANGO_ENV WEBHOOKS_ALLOW_INSECURE
export DEBUG=False CELERY_BROKER_URL= LOG_LEVEL=WARNING TIME_ZONE=America/Sao_Paulo
# Tokens outlive any run (including retries): an expiry half-way would turn into 401s.
export JWT_ACCESS_MINUTES=1440 JWT_REFRESH_DAYS=2
# The fuzzer sends thousands of requests from one address: lift the throttles and the lockout.
export THROTTLE_AUTH_RATE=1000000/min THROTTLE_WRITE_RATE=1000000/min AXES_FAILURE_LIMIT=1000000
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
# Webhooks: endpoints may only name localhost (any other host is refused before a DNS lookup) and
# deliveries stay pending, never sent: the fuzzer cannot make the service call any host.
export WEBHOOKS_ALLOWED_HOSTS=localhost WEBHOOKS_DELIVERY_PAUSED=True
# gunicorn.conf.py as deployed, except: no worker restarts (max_requests has a random jitter) and a
# timeout that a loaded CI machine cannot reach (a killed worker would look like a network error).
export WEB_CONCURRENCY=2 GUNICORN_MAX_REQUESTS=0 GUNICORN_TIMEOUT=300

echo "schemathesis: preparing the template database $TEMPLATE"
for who in $IDENTITIES; do dropdb -h 127.0.0.1 -U postgres --if-exists "${DB}_$who" 2>/dev/null; done
dropdb -h 127.0.0.1 -U postgres --if-exists "$TEMPLATE" 2>/dev/null
createdb -h 127.0.0.1 -U postgres "$TEMPLATE"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$TEMPLATE"
$RUN python manage.py migrate --noinput >/dev/null
$RUN python manage.py load_demo_data
export FUZZ_POOL="$work/pool.json"
$RUN python manage.py shell <.ci/fuzz/pool.py

# --- Everything below runs once per identity, side by side: each has its own copy of the template,
# --- its own server and its own files, so neither can change what the other sees.

server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}

# A server for identity $1 on a fresh copy of the template; sets $base.
start_server() {
  local who=$1 db="${DB}_$1" port_file="$work/$1.port"
  stop_server
  dropdb -h 127.0.0.1 -U postgres --if-exists "$db" 2>/dev/null
  createdb -h 127.0.0.1 -U postgres -T "$TEMPLATE" "$db"
  rm -f "$port_file"
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" \
    .venv/bin/python .ci/fuzz/serve.py "$port_file" codevance_api.wsgi --log-level warning \
    >>"$work/$who-server.log" 2>&1 &
  server_pid=$!
  # The socket listens before gunicorn starts: wait only for the application to answer, as long
  # as the server lives (a slow start on a loaded machine is not a failure; a dead server is).
  until [ -s "$port_file" ] && curl -fs "http://127.0.0.1:$(cat "$port_file")/api/schema/" -o /dev/null; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      cat "$work/$who-server.log"
      echo "schemathesis: the server did not start" >&2
      return 1
    fi
    sleep 0.5
  done
  base="http://127.0.0.1:$(cat "$port_file")"
}

# One schemathesis run as $1 with seed $2 (attempt $3); returns what .ci/fuzz/verdict.py says.
fuzz() {
  local who=$1 seed=$2 attempt=$3 started rc=0 verdict=0 access
  local report="$work/$who-$attempt.json" tally="$work/$who-$attempt-tally.json"
  start_server "$who" || return 1
  access=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]]["access"])' "$FUZZ_POOL" "$who")
  echo "== schemathesis as $who, seed $seed, attempt $attempt =="
  started=$(date +%s)
  SCHEMATHESIS_HOOKS=.ci/fuzz/hooks.py FUZZ_IDENTITY=$who FUZZ_TALLY=$tally \
    .venv/bin/schemathesis --config-file .ci/fuzz/schemathesis.toml run "$base/api/schema/" \
    --header "Authorization: Bearer $access" \
    --checks not_a_server_error,response_schema_conformance,status_code_conformance \
    --phases examples,coverage,fuzzing \
    --max-examples "$EXAMPLES" --seed "$seed" --workers 1 --generation-database none --no-color \
    --suppress-health-check all --request-timeout 240 \
    --report json --report-json-path "$report" || rc=$?
  stop_server
  python3 .ci/fuzz/verdict.py "$report" "$rc" "$tally" || verdict=$?
  echo "schemathesis-run: as=$who seed=$seed attempt=$attempt exit=$rc verdict=$verdict seconds=$(( $(date +%s) - started ))"
  return "$verdict"
}

loud() {
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
  echo "!! schemathesis: $*"
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
}

# The whole step for identity $1: a run, and a crash inside the fuzzer retried (same seed, then a
# new one). Writes "<result> <retries>" to $work/$1.result; a finding is never retried.
fuzz_as() {
  local who=$1 verdict=0 crashes=0 result
  trap stop_server EXIT
  fuzz "$who" "$SEED" 1 || verdict=$?
  if [ "$verdict" -eq 3 ]; then
    crashes=1
    loud "CRASH INSIDE THE FUZZER as $who (seed $SEED): retrying once with the same seed"
    verdict=0
    fuzz "$who" "$SEED" 2 || verdict=$?
  fi
  if [ "$verdict" -eq 3 ]; then
    crashes=2
    loud "CRASH INSIDE THE FUZZER again as $who (seed $SEED): retrying once with a new seed, $RETRY_SEED" \
      "(replay: SCHEMATHESIS_SEED=$RETRY_SEED FUZZ_AS=$who CI_DB_NAME=${CI_DB_NAME:-codevance_ci} bash $0)"
    verdict=0
    fuzz "$who" "$RETRY_SEED" 3 || verdict=$?
  fi
  case "$verdict" in
    0) result=pass
       [ "$crashes" -eq 0 ] || loud "as $who: passed only after $crashes retries of a crash inside the fuzzer" ;;
    3) result=fail
       loud "as $who: the fuzzer crashed on every attempt: the step proves nothing, so it fails" ;;
    *) result=fail
       loud "as $who: FINDING (see above); replay: SCHEMATHESIS_SEED=$SEED FUZZ_AS=$who" \
         "CI_DB_NAME=${CI_DB_NAME:-codevance_ci} bash $0"
       echo "---- server log as $who (last 100 lines) ----"; tail -n 100 "$work/$who-server.log" ;;
  esac
  echo "$result $crashes" >"$work/$who.result"
}

for who in $IDENTITIES; do
  fuzz_as "$who" >"$work/$who.log" 2>&1 &
  runners+=($!)
done
wait "${runners[@]}" || true
runners=()

failed="" retries=0
for who in $IDENTITIES; do
  cat "$work/$who.log"
  read -r result crashes <"$work/$who.result" || { result=fail crashes=0; }
  retries=$((retries + crashes))
  [ "$result" = pass ] || failed="$failed $who"
done
if [ -n "$failed" ]; then
  echo "schemathesis-summary: result=fail failed=${failed# } retries=$retries seed=$SEED"
  exit 1
fi
echo "schemathesis-summary: result=pass retries=$retries seed=$SEED"
