#!/usr/bin/env python3
"""Benchmark: seed a PostgreSQL database, serve it as deployed, load each endpoint with wrk.

The service runs exactly as deployed: the Procfile's `web` command (gunicorn with the project's
gunicorn.conf.py: gthread workers, an access-log line per request, worker recycling), the
production profile (DJANGO_ENV=production) and a Redis cache (REDIS_URL, as on Heroku and in
docker-compose), behind no proxy on the loopback. The command and its environment knobs are
recorded in the results.

    python3 bench/run.py [--payments 100000] [--duration 10] [--name NAME] [--baseline bench/results/X.json]

Writes bench/results/<name>.md and .json and prints the Markdown. Every throughput figure is also
given as a ratio to the floor (a plain Django view under the same gunicorn, measured in the same
run), which is what the targets are stated in: absolute numbers depend on the machine and on
whatever else it is running. See docs/performance.md.
"""

import argparse
import datetime
import json
import os
import platform
import random
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"

# Run inside the project's virtualenv (created by `make test` / `make install-dev`).
if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve() and VENV_PYTHON.exists():
    os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), *sys.argv])
sys.path.insert(0, str(ROOT))

BENCH = ROOT / "bench"
WORK = BENCH / "work"
RESULTS = BENCH / "results"
LUA = BENCH / "wrk"
PASSWORD = "bench-password-1"
SUPPLIERS = 50
ANTICIPATED_SHARE = 0.30
DEEP_PAGE = 5000
PAGE_SIZE = 10


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--payments", type=int, default=100_000, help="payments to seed (default 100000)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per endpoint (default 10)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="floor/endpoint pairs measured per endpoint; the median ratio is reported (default 3)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per read endpoint (default 2)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (default 4)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--db", default="codevance_bench", help="database to (re)create (default codevance_bench)")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server URL")
    parser.add_argument("--broker", default="auto",
                        help="Celery broker for the emails: 'auto' (default) creates a RabbitMQ user of the "
                             "run's own on 127.0.0.1:5672 with rabbitmqctl, because the production profile "
                             "refuses guest/guest, and deletes it afterwards; a URL uses that broker; '' sends "
                             "the emails in-process")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0",
                        help="the service's cache, REDIS_URL ('' for per-process memory); keys under a prefix of "
                             "the run's own, deleted afterwards")
    parser.add_argument("--name", help="results file name (default: <payments>-payments)")
    parser.add_argument("--baseline", help="results JSON of a smaller run, for the growth ratios")
    parser.add_argument("--keep-db", action="store_true", help="leave the database in place afterwards")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    return parser.parse_args()


# --- machine --------------------------------------------------------------------------------


def machine(pg_version):
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.M)
        cpu = match.group(1).strip() if match else cpu
    memory = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        match = re.search(r"^MemTotal:\s*(\d+) kB", meminfo.read_text(), re.M)
        memory = f"{int(match.group(1)) / 1024 / 1024:.1f} GiB" if match else memory
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "postgresql": pg_version,
        "python": platform.python_version(),
        "os": platform.platform(),
        "wrk": (wrk.stdout + wrk.stderr).splitlines()[0] if (wrk.stdout + wrk.stderr) else "unknown",
        "loadavg_at_start": os.getloadavg(),
    }


# --- database -------------------------------------------------------------------------------


def recreate_database(args):
    import psycopg

    with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [args.db],
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{args.db}"')
        conn.execute(f'CREATE DATABASE "{args.db}"')
        return conn.execute("SHOW server_version").fetchone()[0]


def drop_database(args):
    import psycopg

    with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [args.db],
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{args.db}"')


def seed(args, today, now):
    """Deterministic data: 1 operator, 50 suppliers, N payments, ~30 % anticipated, their logs.

    Written with COPY, with the secondary indexes dropped during the load and rebuilt after it
    (and foreign-key triggers off for this session only: the rows are consistent by construction).
    """
    import psycopg
    from django.conf import settings
    from django.contrib.auth.hashers import make_password

    from codevance_api.payments import pricing
    from codevance_api.payments.tests.factories import valid_cnpj

    rng = random.Random(args.seed)
    rate = settings.ANTICIPATION_MONTHLY_RATE
    password = make_password(PASSWORD)
    started = time.monotonic()
    with psycopg.connect(f"{args.pg}/{args.db}", autocommit=False) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET maintenance_work_mem = '256MB'")
        tables = ["payments_payment", "payments_anticipation", "payments_requestlog"]
        indexes = conn.execute(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
               WHERE i.tablename = ANY(%s) AND NOT EXISTS (
                 SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
            [tables],
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')

        users = [("bench-operator@example.com", True)] + [
            (f"bench-supplier{n:02d}@example.com", False) for n in range(1, SUPPLIERS + 1)
        ]
        user_ids = []
        for email, is_operator in users:
            user_ids.append(conn.execute(
                """INSERT INTO accounts_user (password, is_superuser, email, first_name, is_operator, is_staff,
                   is_active, date_joined) VALUES (%s, false, %s, '', %s, false, true, %s) RETURNING id""",
                [password, email, is_operator, now],
            ).fetchone()[0])
        operator_id = user_ids[0]
        supplier_ids, supplier_user = [], {}
        for n, user_id in enumerate(user_ids[1:], start=1):
            supplier_id = conn.execute(
                "INSERT INTO payments_supplier (user_id, corporate_name, reg_number) VALUES (%s, %s, %s) RETURNING id",
                [user_id, f"Bench Supplier {n:02d} Ltda", valid_cnpj(900 + n)],
            ).fetchone()[0]
            supplier_ids.append(supplier_id)
            supplier_user[supplier_id] = user_id

        first_payment = conn.execute("SELECT nextval('payments_payment_id_seq')").fetchone()[0]
        payments = []
        with conn.cursor().copy(
            "COPY payments_payment (id, supplier_id, creation_date, due_date, value) FROM STDIN"
        ) as copy:
            for offset in range(args.payments):
                pk = first_payment + offset
                supplier_id = supplier_ids[rng.randrange(SUPPLIERS)]
                due_date = today + datetime.timedelta(days=rng.randint(-60, 120))
                value = Decimal(rng.randint(10_000, 10_000_000)) / 100
                created = now - datetime.timedelta(days=200, seconds=(args.payments - offset) * 10)
                copy.write_row((pk, supplier_id, created, due_date, value))
                payments.append((pk, supplier_id, due_date, value))
        conn.execute("SELECT setval('payments_payment_id_seq', %s)", [first_payment + args.payments])

        first_anticipation = conn.execute("SELECT nextval('payments_anticipation_id_seq')").fetchone()[0]
        anticipation_pk = first_anticipation
        logs = []
        with conn.cursor().copy(
            "COPY payments_anticipation (id, payment_id, supplier_id, creation_date, new_due_date, original_value, "
            "new_value, update_date, status) FROM STDIN"
        ) as copy:
            for pk, supplier_id, due_date, value in payments:
                if rng.random() >= ANTICIPATED_SHARE:
                    continue
                status = rng.choices(["PC", "A", "D"], weights=[40, 30, 30])[0]
                if due_date > today:
                    new_due_date = today + datetime.timedelta(days=rng.randrange((due_date - today).days))
                else:
                    new_due_date = due_date - datetime.timedelta(days=rng.randint(1, 30))
                new_value = pricing.quote(
                    value=value, due_date=due_date, new_due_date=new_due_date, monthly_rate=rate
                ).new_value
                requested = now - datetime.timedelta(seconds=rng.randint(3600, 90 * 86400))
                decided = requested
                if status != "PC":
                    decided += datetime.timedelta(seconds=rng.randint(60, 86400))
                copy.write_row(
                    (anticipation_pk, pk, supplier_id, requested, new_due_date, value, new_value, decided, status)
                )
                logs.append((anticipation_pk, supplier_id, supplier_user[supplier_id], "R", "", requested))
                if status != "PC":
                    logs.append((anticipation_pk, supplier_id, operator_id, status, "Bench decision", decided))
                anticipation_pk += 1
        conn.execute("SELECT setval('payments_anticipation_id_seq', %s)", [anticipation_pk])
        with conn.cursor().copy(
            "COPY payments_requestlog (anticipation_id, supplier_id, user_id, action, reason, created_at) FROM STDIN"
        ) as copy:
            for row in logs:
                copy.write_row(row)
        loaded = time.monotonic()
        for _, definition in indexes:
            conn.execute(definition)
        conn.commit()
    with psycopg.connect(f"{args.pg}/{args.db}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        # Flush the load's dirty pages now rather than during the first measurement.
        conn.execute("CHECKPOINT")
    finished = time.monotonic()
    return {
        "payments": args.payments,
        "anticipations": anticipation_pk - first_anticipation,
        "logs": len(logs),
        "suppliers": SUPPLIERS,
        "load_seconds": round(loaded - started, 1),
        "index_and_vacuum_seconds": round(finished - loaded, 1),
        "total_seconds": round(finished - started, 1),
    }


# --- the service ----------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def broker_reachable(url):
    if not url:
        return False
    match = re.match(r"\w+://(?:[^@/]*@)?([^:/]+):(\d+)", url)
    if not match:
        return False
    try:
        socket.create_connection((match.group(1), int(match.group(2))), timeout=2).close()
        return True
    except OSError:
        return False


def broker_user_create():
    """A RabbitMQ user of this run's own: (amqp URL, user name), or ("", "") without rabbitmqctl.

    The production profile (core/secrets.py) refuses the broker's well-known guest/guest, so the
    service as deployed needs real credentials; the password is random and never recorded.
    """
    if not shutil.which("rabbitmqctl"):
        return "", ""
    user, password = f"codevance_bench_{os.getpid()}", secrets.token_urlsafe(24)
    try:
        subprocess.run(["rabbitmqctl", "add_user", user, password], check=True, capture_output=True, timeout=60)
        subprocess.run(["rabbitmqctl", "set_permissions", "-p", "/", user, ".*", ".*", ".*"], check=True,
                       capture_output=True, timeout=60)
    except (subprocess.SubprocessError, OSError) as error:
        print(f"could not create a RabbitMQ user ({error}); emails go in-process", flush=True)
        return "", ""
    return f"amqp://{user}:{password}@127.0.0.1:5672//", user


def broker_user_delete(user):
    if user:
        subprocess.run(["rabbitmqctl", "delete_user", user], capture_output=True, timeout=60)


def redacted(url):
    """The broker URL without its password, for the records."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1<redacted>@", url)


def service_env(args, broker, queue):
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"{args.pg}/{args.db}",
        "DEBUG": "False",
        "CONN_MAX_AGE": "600",
        "SECRET_KEY": env.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "JWT_ACCESS_MINUTES": "240",
        # The production profile, on the loopback: no TLS in front, so no HTTPS redirect, no proxy
        # headers to trust, and a local database without TLS.
        "DJANGO_ENV": "production",
        "JWT_SIGNING_KEY": env.get("BENCH_JWT_SIGNING_KEY") or secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "False",
        "TRUSTED_PROXY_COUNT": "0",
        "DATABASE_SSL_REQUIRE": "False",
        "REDIS_URL": args.redis,
        "CACHE_KEY_PREFIX": f"codevance_bench_{os.getpid()}",
        # gunicorn.conf.py's knobs (Heroku sets PORT and WEB_CONCURRENCY).
        "GUNICORN_BIND_HOST": "127.0.0.1",
        "WEB_CONCURRENCY": str(args.workers),
        # The load is thousands of writes a second from one operator and 50 suppliers: the per-user write
        # throttle (60/min) would answer most of them 429. The throttle classes still run (same cache
        # round trips); only the limit is lifted, as the schemathesis run does. Per second rather than per
        # minute: DRF keeps one timestamp per request in the window, and a minute's worth of benchmark
        # load (thousands) is a history no real client within the 60/min limit ever has.
        "THROTTLE_WRITE_RATE": "1000000/s",
        "CELERY_BROKER_URL": broker,
        "BENCH_CELERY_QUEUE": queue,
        "PYTHONPATH": str(ROOT),
    })
    env["BENCH_SECRET_KEY"] = env["SECRET_KEY"]
    env["BENCH_JWT_SIGNING_KEY"] = env["JWT_SIGNING_KEY"]
    return env


def procfile_web_command():
    """The Procfile's `web` command, as the platform runs it."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            return line.split(":", 1)[1].strip()
    raise SystemExit("Procfile has no web process")


def start_gunicorn(args, env, port):
    """The Procfile's web command, run from the project's root with PATH reaching the virtualenv's gunicorn."""
    log = open(WORK / "gunicorn.log", "w")
    web = procfile_web_command()
    env = dict(env, PORT=str(port), PATH=f"{ROOT / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    process = subprocess.Popen(shlex.split(web), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    knobs = {key: env[key] for key in ("PORT", "WEB_CONCURRENCY", "GUNICORN_BIND_HOST", "DJANGO_ENV")}
    knobs["REDIS_URL"] = env["REDIS_URL"] or "(none)"
    command = f"{' '.join(f'{k}={v}' for k, v in knobs.items())} {web}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/floor/", timeout=2) as response:
                if response.status == 200:
                    return process, command
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)
        if process.poll() is not None:
            break
    process.terminate()
    raise SystemExit(f"gunicorn did not start: see {WORK / 'gunicorn.log'}")


def http(method, url, token=None, body=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


# --- load -----------------------------------------------------------------------------------


def wrk(args, url, *, seconds, token="", data=None, method="GET", path=""):
    env = dict(os.environ, BENCH_LUA_DIR=str(LUA), BENCH_TOKEN=token, BENCH_THREADS=str(args.threads))
    script = LUA / "get.lua"
    if data is not None:
        script = LUA / "writes.lua"
        env.update(BENCH_DATA=str(data), BENCH_METHOD=method, BENCH_PATH=path)
    command = ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{seconds}s",
               "--timeout", "10s", "-s", str(script), url]
    completed = subprocess.run(command, capture_output=True, text=True, env=env)
    match = re.search(r"^BENCH_RESULT (\{.*\})$", completed.stdout, re.M)
    if not match:
        raise SystemExit(f"wrk failed for {url}:\n{completed.stdout}\n{completed.stderr}")
    result = json.loads(match.group(1))
    result["rps"] = round(result["requests"] / (result["duration_us"] / 1e6), 1)
    result["p50_ms"] = round(result["p50_us"] / 1000, 2)
    result["p99_ms"] = round(result["p99_us"] / 1000, 2)
    result["socket_errors"] = sum(result[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    return result


def lua_data(path, tokens, items):
    """The tokens and the (object id, token number, JSON body) of each request, for wrk/writes.lua."""
    lines = [f"T\t{token}" for token in tokens] + [f"I\t{pk}\t{index}\t{body}" for pk, index, body in items]
    path.write_text("\n".join(lines) + "\n")
    return path


# --- SQL per request and query plans --------------------------------------------------------


def sql_profile(scenarios):
    """Each scenario once through Django's test client in this process: its queries and their plans."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    profile = {}
    for scenario in scenarios:
        client = Client()
        headers = {"HTTP_AUTHORIZATION": f"Bearer {scenario['token']}"} if scenario.get("token") else {}
        with CaptureQueriesContext(connection) as captured:
            if scenario["method"] == "GET":
                response = client.get(scenario["path"], **headers)
            else:
                response = client.generic(scenario["method"], scenario["path"], scenario["probe_body"],
                                          content_type="application/json", **headers)
        queries = [q["sql"] for q in captured.captured_queries]
        plans = []
        if scenario.get("explain"):
            with connection.cursor() as cursor:
                for sql in queries:
                    # The authentication query (user by primary key, joined to its supplier) is not a list
                    # query; on 51 users PostgreSQL rightly reads the tables instead of an index.
                    if not sql.lstrip().upper().startswith("SELECT") or 'FROM "accounts_user"' in sql:
                        continue
                    cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) " + sql)
                    plans.append({"sql": sql, "plan": "\n".join(row[0] for row in cursor.fetchall())})
        profile[scenario["name"]] = {"status": response.status_code, "queries": len(queries), "sql": queries,
                                     "plans": plans}
    return profile


def uses_only_indexes(plans):
    """The page queries (not the counts: an operator's count reads the whole list, which is why it is cached)."""
    return all("Seq Scan" not in plan["plan"] for plan in plans if not is_count(plan["sql"]))


def is_count(sql):
    return sql.lstrip().upper().startswith("SELECT COUNT(")


# --- report ---------------------------------------------------------------------------------


def evaluate(results, baseline):
    checks = []

    def ratio(name):
        load = results["load"][name]
        return load["rps"] / load["floor_rps"] if load["floor_rps"] else 0

    def share(name):
        return f"1/{1 / ratio(name):.1f}" if ratio(name) else "0"

    lists = ("payment list (operator)", "status=PC (operator)", "status=A (supplier)", "status=U (operator)",
             "status=AN (operator)", "status=D (supplier)", "deep cursor page (operator)", "logs (operator)",
             "anticipations (supplier)", "logs (supplier)")
    for name in (n for n in lists if n in results["load"]):
        checks.append((f"{name}: >= 1/10 of floor req/s", share(name),
                       ratio(name) >= 0.1))
    name = "one payment (supplier)"
    checks.append((f"{name}: >= 1/5 of floor req/s", share(name), ratio(name) >= 0.2))
    name = "deep page (operator)"
    checks.append((f"{name}: ?page={results['deep_page']} >= 1/10 of floor req/s", share(name),
                   ratio(name) >= 0.1))
    for name in ("anticipation request (supplier)", "decision (operator)"):
        load = results["load"][name]
        checks.append((f"{name}: >= 1/20 of floor req/s", share(name), ratio(name) >= 0.05))
        bad = load["non2xx"] + load["socket_errors"]
        checks.append((f"{name}: zero non-2xx", str(bad), bad == 0))
    lists = [n for n, p in results["sql"].items() if p.get("list")]
    most = max(results["sql"][n]["queries"] for n in lists)
    checks.append(("list endpoints: <= 3 SQL queries per request (auth included)", str(most), most <= 3))
    indexed = all(uses_only_indexes(results["sql"][n]["plans"]) for n in lists)
    checks.append(("every list/filter page query uses an index (no Seq Scan in EXPLAIN; counts aside)",
                   "yes" if indexed else "no",
                   indexed))
    bad = sum(load["non2xx"] + load["socket_errors"] for load in results["load"].values())
    checks.append(("no non-2xx or socket errors anywhere", str(bad), bad == 0))
    if baseline:
        reads = [n for n in results["load"] if n != "floor" and n in results["sql"]
                 and results["sql"][n].get("method", "GET") == "GET"]
        for name in reads:
            before, after = baseline["load"].get(name), results["load"][name]
            if not before or not after["rps"]:
                continue
            # Cost relative to the floor measured beside it, so a busier machine does not count as growth.
            growth = (before["rps"] / before["floor_rps"]) / (after["rps"] / after["floor_rps"])
            checks.append((f"{name}: cost at {results['seed']['payments']:,} payments <= 2x its cost at "
                           f"{baseline['seed']['payments']:,} (req/s relative to the floor)", f"{growth:.2f}x",
                           growth <= 2))
    return checks


def markdown(results):
    m = results["machine"]
    lines = [
        f"# Benchmark: {results['seed']['payments']:,} payments",
        "",
        f"Run {results['started']} with `python3 bench/run.py {results['command']}`.",
        "",
        "## Machine",
        "",
        f"- {m['nproc']} CPUs ({m['cpu']}), {m['memory']} memory; {m['os']}",
        f"- PostgreSQL {m['postgresql']} on the same machine; Python {m['python']}; {m['wrk']}",
        f"- load average at start {', '.join(f'{x:.2f}' for x in m['loadavg_at_start'])}; "
        f"at end {', '.join(f'{x:.2f}' for x in results['loadavg_at_end'])}",
        f"- service: `{results['gunicorn']}` (the Procfile's web command with gunicorn.conf.py: gthread workers, "
        "access log, worker recycling), DJANGO_ENV=production on the loopback (no HTTPS redirect), "
        "CONN_MAX_AGE=600 with health checks, plus the floor's URL",
        f"- wrk: {results['wrk']['threads']} threads, {results['wrk']['connections']} connections, "
        f"{results['wrk']['duration']} s per endpoint after {results['wrk']['warmup']} s of warm-up (reads), "
        f"{results['wrk'].get('rounds', 1)} rounds of floor then endpoint",
        f"- emails: {results['emails']}",
    ]
    if results.get("caveat"):
        lines += ["", f"**Caveat:** {results['caveat']}"]
    s = results["seed"]
    lines += [
        "",
        "## Data",
        "",
        f"{s['payments']:,} payments of {s['suppliers']} suppliers, due from 60 days ago to 120 days ahead; "
        f"{s['anticipations']:,} anticipations (pending, approved, denied); {s['logs']:,} log rows. "
        f"Seeded in {s['total_seconds']} s ({s['load_seconds']} s COPY, {s['index_and_vacuum_seconds']} s "
        "indexes and VACUUM ANALYZE).",
        "",
        "## Results",
        "",
        "Each endpoint's share of the floor compares it with the floor measured just before it (same "
        "duration, same background load). Each pair is measured in several rounds; the row shows the round "
        "with the median share, and the last column every round's share (the noise). Errors count over all "
        "rounds. The floor row is the median of all floor runs.",
        "",
        "| endpoint | req/s | floor req/s | vs floor | p50 ms | p99 ms | requests | non-2xx | socket errors "
        "| SQL/request | every round |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, load in results["load"].items():
        queries = results["sql"].get(name, {}).get("queries", "-")
        share = f"1/{load['floor_rps'] / load['rps']:.1f}" if load["rps"] and name != "floor" else "1"
        rounds = ", ".join(f"1/{1 / r:.1f}" if r else "0" for r in load.get("round_ratios", []))
        lines.append(f"| {name} | {load['rps']:,.0f} | {load['floor_rps']:,.0f} | {share} | {load['p50_ms']} | "
                     f"{load['p99_ms']} | "
                     f"{load['requests']:,} | {load['non2xx']} | {load['socket_errors']} | {queries} | "
                     f"{rounds} |")
    lines += ["", "## Targets", "", "| target | measured | met |", "|---|---:|:---:|"]
    for target, measured, met in results["checks"]:
        lines.append(f"| {target} | {measured} | {'yes' if met else '**no**'} |")
    lines += ["", "## Query plans (EXPLAIN ANALYZE of each list query, as the endpoint ran it)", ""]
    for name, profile in results["sql"].items():
        for plan in profile["plans"]:
            lines += [f"### {name}", "", "```sql", plan["sql"], "```", "", "```", plan["plan"], "```", ""]
    return "\n".join(lines) + "\n"


# --- main -----------------------------------------------------------------------------------


def main():
    args = parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    WORK.mkdir(exist_ok=True)
    RESULTS.mkdir(exist_ok=True)
    name = args.name or f"{args.payments}-payments"
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    broker, broker_user = broker_user_create() if args.broker == "auto" else (args.broker, "")
    broker = broker if broker_reachable(broker) else ""
    queue = f"codevance_bench_{os.getpid()}"
    pg_version = recreate_database(args)
    env = service_env(args, broker, queue)
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DEBUG", "SECRET_KEY",
                                           "ALLOWED_HOSTS", "JWT_ACCESS_MINUTES", "CELERY_BROKER_URL",
                                           "BENCH_CELERY_QUEUE", "JWT_SIGNING_KEY")})
    # In this process (seeding, SQL profile): no shared cache, so the SQL profile shows every list's count
    # query, as a request that misses the count cache runs it.
    os.environ.update({"CONN_MAX_AGE": "0", "LOG_LEVEL": "WARNING"})
    import django

    django.setup()
    from django.core.management import call_command

    from codevance_api.core.dates import today as local_today

    info = machine(pg_version)
    print(f"migrating {args.db} ...", flush=True)
    call_command("migrate", verbosity=0)
    today = local_today()
    now = datetime.datetime.now(datetime.timezone.utc)
    print(f"seeding {args.payments:,} payments ...", flush=True)
    seeded = seed(args, today, now)
    print(f"seeded in {seeded['total_seconds']} s", flush=True)

    port = free_port()
    gunicorn, command = start_gunicorn(args, env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        results = run_load(args, base, today)
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
        if broker:
            delete_queue(broker, queue)
        broker_user_delete(broker_user)
        if args.redis:
            delete_cache_keys(args.redis, env["CACHE_KEY_PREFIX"])
    from django.db import connections

    connections.close_all()
    if not args.keep_db:
        drop_database(args)

    results.update({
        "started": started, "command": " ".join(redacted(a) for a in sys.argv[1:]), "machine": info, "seed": seeded,
        "gunicorn": command, "loadavg_at_end": os.getloadavg(),
        "wrk": {"threads": args.threads, "connections": args.connections, "duration": args.duration,
                "warmup": args.warmup, "rounds": args.rounds},
        "emails": f"published to RabbitMQ ({redacted(broker)}), queue {queue}, deleted afterwards"
        if broker else "no broker: sent in-process by the console backend",
        "caveat": os.environ.get("BENCH_CAVEAT", ""),
    })
    baseline = json.loads(Path(args.baseline).read_text()) if args.baseline else None
    results["checks"] = evaluate(results, baseline)
    if baseline:
        results["baseline"] = args.baseline
    (RESULTS / f"{name}.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    report = markdown(results)
    (RESULTS / f"{name}.md").write_text(report)
    print(report)
    print(f"written: {RESULTS / (name + '.md')} and .json")


def delete_cache_keys(url, prefix):
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        for key in client.scan_iter(match=f"{prefix}:*", count=1000):
            client.delete(key)
    except redis.exceptions.RedisError as error:
        print(f"could not delete the cache keys {prefix}:*: {error}")


def delete_queue(broker, queue):
    from kombu import Connection

    try:
        with Connection(broker) as conn:
            conn.default_channel.queue_delete(queue)
    except Exception as error:  # noqa: BLE001 - cleanup must not hide the results
        print(f"could not delete queue {queue}: {error}")


def run_load(args, base, today):
    from django.contrib.auth import get_user_model
    from rest_framework_simplejwt.tokens import AccessToken

    from codevance_api.core.pagination import CursorPagination
    from codevance_api.payments import selectors
    from codevance_api.payments.models import Anticipation, Payment, Supplier

    def login(email):
        status, tokens = http("POST", f"{base}/api/token/", body={"email": email, "password": PASSWORD})
        if status != 200:
            raise SystemExit(f"could not log in as {email}: {status} {tokens}")
        return tokens["access"]

    operator_token = login("bench-operator@example.com")
    supplier_token = login("bench-supplier01@example.com")
    suppliers = list(Supplier.objects.select_related("user").order_by("id"))
    supplier_tokens = [str(AccessToken.for_user(s.user)) for s in suppliers]
    token_index = {s.pk: n + 1 for n, s in enumerate(suppliers)}
    first_supplier = suppliers[0]
    operator = get_user_model().objects.get(email="bench-operator@example.com")

    one_payment = Payment.objects.filter(supplier=first_supplier).order_by("id").first()
    operator_list = selectors.payment_list(user=operator)
    # Page 5,000 (of 10 items), or the last but one of a smaller table; and the cursor page at the same depth.
    deep_page = min(DEEP_PAGE, args.payments // PAGE_SIZE - 1)
    deep_row = operator_list[(deep_page - 1) * PAGE_SIZE - 1]
    deep_cursor = CursorPagination().cursor_for(operator_list, deep_row)

    # Writes: each request on an object of its own, so none is refused for having been used.
    new_due_date = (today + datetime.timedelta(days=1)).isoformat()
    available = list(Payment.objects.filter(anticipation__isnull=True, due_date__gte=today + datetime.timedelta(
        days=2)).order_by("id").values_list("id", "supplier_id"))
    random.Random(args.seed).shuffle(available)
    probe_request, available = available[0], available[1:]
    request_items = [(pk, token_index[supplier_id], json.dumps({"payment": pk, "new_due_date": new_due_date}))
                     for pk, supplier_id in available]
    pending = list(Anticipation.objects.filter(status="PC", payment__due_date__gt=today, new_due_date__gte=today)
                   .order_by("id").values_list("id", flat=True))
    random.Random(args.seed + 1).shuffle(pending)
    probe_decision, pending = pending[0], pending[1:]
    decision_items = [(pk, 1, json.dumps({"status": "A" if n % 2 else "D", "reason": "Bench decision"}))
                      for n, pk in enumerate(pending)]
    # One file per round, each with objects of its own: a round must not find its rows used by the last.
    requests_files = [lua_data(WORK / f"requests-{r}.lua", supplier_tokens, request_items[r::args.rounds])
                      for r in range(args.rounds)]
    decisions_files = [lua_data(WORK / f"decisions-{r}.lua", [operator_token], decision_items[r::args.rounds])
                       for r in range(args.rounds)]

    reads = [
        ("floor", "/bench/floor/", "", False),
        ("payment list (operator)", "/api/payments/", operator_token, True),
        ("status=PC (operator)", "/api/payments/?status=PC", operator_token, True),
        ("status=A (supplier)", "/api/payments/?status=A", supplier_token, True),
        ("status=U (operator)", "/api/payments/?status=U", operator_token, True),
        ("status=AN (operator)", "/api/payments/?status=AN", operator_token, True),
        ("status=D (supplier)", "/api/payments/?status=D", supplier_token, True),
        ("one payment (supplier)", f"/api/payments/{one_payment.pk}/", supplier_token, False),
        ("logs (operator)", "/api/logs/", operator_token, True),
        ("anticipations (supplier)", "/api/anticipations/", supplier_token, True),
        ("logs (supplier)", "/api/logs/", supplier_token, True),
        ("deep page (operator)", f"/api/payments/?page={deep_page}", operator_token, True),
        ("deep cursor page (operator)", f"/api/payments/?pagination=cursor&cursor={deep_cursor}", operator_token,
         True),
    ]
    for name, path, token, _ in reads:
        status, body = http("GET", base + path, token or None)
        if status != 200:
            raise SystemExit(f"{name}: {path} answered {status}: {body}")
    load = {}
    floors = []

    def measure(name, data_per_round=None, **kwargs):
        # The floor is measured right before each endpoint, so that each ratio compares two runs made
        # under the same background load (this machine may be busy with other work). With --rounds N
        # the pair is measured N times and the round with the median ratio is reported (its figures
        # belong together); errors count over every round.
        print(f"loading {name} ...", flush=True)
        rounds = []
        for round_ in range(args.rounds):
            floor = wrk(args, base + "/bench/floor/", seconds=args.duration)
            floors.append(floor)
            if data_per_round:
                kwargs["data"] = data_per_round[round_]
            result = wrk(args, **kwargs)
            result["floor_rps"] = floor["rps"]
            rounds.append(result)
        ratios = [r["rps"] / r["floor_rps"] if r["floor_rps"] else 0 for r in rounds]
        median = sorted(range(len(rounds)), key=lambda i: ratios[i])[len(rounds) // 2]
        result = dict(rounds[median])
        result["round_ratios"] = [round(r, 4) for r in ratios]
        result["non2xx"] = sum(r["non2xx"] for r in rounds)
        result["socket_errors"] = sum(r["socket_errors"] for r in rounds)
        load[name] = result

    wrk(args, base + "/bench/floor/", seconds=args.warmup or 1)
    for name, path, token, _ in reads[1:]:
        if args.warmup:
            wrk(args, base + path, seconds=args.warmup, token=token)
        measure(name, url=base + path, seconds=args.duration, token=token)
    measure("anticipation request (supplier)", url=base + "/api/anticipations/", seconds=args.duration,
            data_per_round=requests_files, method="POST", path="/api/anticipations/")
    measure("decision (operator)", url=base + "/api/anticipations/", seconds=args.duration,
            data_per_round=decisions_files, method="PATCH", path="/api/anticipations/")
    floors.sort(key=lambda result: result["rps"])
    load = {"floor": dict(floors[len(floors) // 2], floor_rps=floors[len(floors) // 2]["rps"]), **load}
    for name, available_items in (("anticipation request (supplier)", request_items),
                                  ("decision (operator)", decision_items)):
        load[name]["distinct_objects_available"] = len(available_items)

    profiles = [
        {"name": name, "path": path, "token": token, "method": "GET", "explain": is_list, "list": is_list}
        for name, path, token, is_list in reads if name != "floor"
    ] + [
        {"name": "anticipation request (supplier)", "path": "/api/anticipations/", "method": "POST",
         "token": supplier_tokens[token_index[probe_request[1]] - 1],
         "probe_body": json.dumps({"payment": probe_request[0], "new_due_date": new_due_date})},
        {"name": "decision (operator)", "path": f"/api/anticipations/{probe_decision}/", "method": "PATCH",
         "token": operator_token, "probe_body": json.dumps({"status": "A", "reason": "Bench decision"})},
    ]
    sql = sql_profile(profiles)
    for profile in profiles:
        sql[profile["name"]]["list"] = profile.get("list", False)
        expected = 201 if profile["method"] == "POST" else 200
        if sql[profile["name"]]["status"] != expected:
            raise SystemExit(f"{profile['name']}: the SQL probe answered {sql[profile['name']]['status']}")
    for profile in profiles:
        sql[profile["name"]]["method"] = profile["method"]
    return {"load": load, "sql": sql, "deep_page": deep_page}


if __name__ == "__main__":
    main()
