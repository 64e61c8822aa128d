#!/usr/bin/env python3
"""A/B benchmark: CPU time per request of the same endpoints in two checkouts, alternated.

    python3 bench/ab.py --a /path/to/before --b /path/to/after --db codevance_ab [--blocks 16]
    python3 bench/ab.py --a BEFORE --b AFTER --db ab_before --db-b ab_after   # schemas that differ

Why CPU time and not requests per second: on a shared 2-core machine the throughput of the same
code varies between rounds by far more than the 5 % a before/after comparison has to resolve
(docs/development.md, "Hand-written SQL"). The CPU time a process spends per request varies much
less with the machine's load. Each checkout is served in a process of its own through Django's test
client (no WSGI server: it costs both sides the same), on the same PostgreSQL database (seed it
with `bench/run.py --keep-db --db NAME`; with `--db-b`, side B gets a database of its own, seeded
by its own checkout, when the two schemas differ), with the same environment as the benchmark's production
profile. The two processes take turns in blocks of requests, the order flipped every block, so a
burst of load elsewhere hits both alike.

Reads hit the same rows on both sides. Writes are committed, each on a fresh row, with the email
published to RabbitMQ on a queue of the run's own (deleted afterwards): side A takes the rows
with even ids and side B the odd ones, so neither sees the other's writes.

The result, per endpoint: the median CPU milliseconds per request of each side, and the change
B/A - 1 with the quartiles of the per-block ratios (the noise). Written to
bench/results/<name>.md and .json.
"""

import argparse
import datetime
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"

# Run inside the project's virtualenv (created by `make test` / `make install-dev`); both checkouts use it.
if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve() and VENV_PYTHON.exists():
    os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), *sys.argv])

# name: (who, method, kind). kind says which rows a request needs (see Child.request).
ENDPOINTS = {
    "payment list (operator)": ("operator", "GET", "list"),
    "status=PC (operator)": ("operator", "GET", "list_pc"),
    "status=A (supplier)": ("supplier", "GET", "list_a"),
    "one payment (supplier)": ("supplier", "GET", "detail"),
    "logs (operator)": ("operator", "GET", "logs"),
    "anticipations (supplier)": ("supplier", "GET", "anticipations"),
    "quote (supplier)": ("supplier", "GET", "quote"),
    "batch quote of 50 (supplier)": ("supplier", "POST", "batch_quote"),
    "anticipation request (supplier)": ("supplier", "POST", "request"),
    "batch request of 10 (supplier)": ("supplier", "POST", "batch_request"),
    "decision (operator)": ("operator", "PATCH", "decision"),
}
WRITES = {"request", "batch_request", "decision"}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--a", required=True, help="checkout A (before)")
    parser.add_argument("--b", required=True, help="checkout B (after)")
    parser.add_argument("--db", required=True, help="a database seeded by bench/run.py --keep-db")
    parser.add_argument("--db-b", help="side B's own database, when the two checkouts' schemas differ (seed each "
                                       "with its own checkout's bench/run.py --keep-db); default: --db")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--broker", default="auto",
                        help="'auto' (default): a RabbitMQ user of the run's own, as bench/run.py makes; or a URL")
    parser.add_argument("--blocks", type=int, default=16, help="measured blocks per endpoint and side")
    parser.add_argument("--reads", type=int, default=30, help="requests per block for reads")
    parser.add_argument("--writes", type=int, default=12, help="requests per block for writes")
    parser.add_argument("--only", action="append", help="endpoint names to run (default: all)")
    parser.add_argument("--name", default="ab", help="results file name")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--parity", type=int, help=argparse.SUPPRESS)
    return parser.parse_args()


# --- the child: one checkout, serving requests through the test client -----------------------------


class Child:
    def __init__(self, parity):
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client
        from rest_framework_simplejwt.tokens import AccessToken

        from codevance_api.core.dates import today as local_today

        self.client = Client()
        self.today = local_today()
        users = get_user_model().objects.filter(email__startswith="bench-")
        self.tokens = {u.id: f"Bearer {AccessToken.for_user(u)}" for u in users}
        operator = users.get(email="bench-operator@example.com")
        self.operator = self.tokens[operator.id]
        supplier_user = users.get(email="bench-supplier01@example.com")
        self.supplier = self.tokens[supplier_user.id]
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM payments_supplier WHERE user_id = %s", [supplier_user.id])
            supplier_id = cursor.fetchone()[0]
            cursor.execute("SELECT id FROM payments_payment WHERE supplier_id = %s ORDER BY id LIMIT 200",
                           [supplier_id])
            self.own = [row[0] for row in cursor.fetchall()]
            # Available: due at least 3 days ahead, never anticipated. Same rows on both sides for the
            # reads (quotes); the writes take the side's parity.
            cursor.execute(
                """SELECT p.id, s.user_id FROM payments_payment p JOIN payments_supplier s ON s.id = p.supplier_id
                   WHERE p.due_date >= %s AND NOT EXISTS (
                     SELECT 1 FROM payments_anticipation a WHERE a.payment_id = p.id)
                   ORDER BY s.user_id, p.id""",
                [self.today + datetime.timedelta(days=3)],
            )
            available = cursor.fetchall()
            self.quotable = [pk for pk, user_id in available if user_id == supplier_user.id][:50]
            mine = [(pk, user_id) for pk, user_id in available if pk % 2 == parity]
            by_user = {}
            for pk, user_id in mine:
                by_user.setdefault(user_id, []).append(pk)
            self.singles = [(user_id, pk) for user_id, pks in by_user.items() for pk in pks[: len(pks) // 2]]
            self.batches = [(user_id, pks[i:i + 10]) for user_id, pks in by_user.items()
                            for i in range(len(pks) // 2, len(pks) - 9, 10)]
            # Pending requests that can still be approved: their payment not yet due, their new due date
            # not past (the others answer 409 on a shorter path).
            cursor.execute(
                """SELECT a.id FROM payments_anticipation a JOIN payments_payment p ON p.id = a.payment_id
                   WHERE a.status = 'PC' AND a.id %% 2 = %s AND p.due_date > %s AND a.new_due_date >= %s
                   ORDER BY a.id""",
                [parity, self.today, self.today],
            )
            self.pending = [row[0] for row in cursor.fetchall()]
        self.turn = 0

    def request(self, kind):
        self.turn += 1
        new_due = (self.today + datetime.timedelta(days=1)).isoformat()
        if kind == "list":
            return "GET", "/api/payments/", self.operator, None
        if kind == "list_pc":
            return "GET", "/api/payments/?status=PC", self.operator, None
        if kind == "list_a":
            return "GET", "/api/payments/?status=A", self.supplier, None
        if kind == "detail":
            return "GET", f"/api/payments/{self.own[self.turn % len(self.own)]}/", self.supplier, None
        if kind == "logs":
            return "GET", "/api/logs/", self.operator, None
        if kind == "anticipations":
            return "GET", "/api/anticipations/", self.supplier, None
        if kind == "quote":
            pk = self.quotable[self.turn % len(self.quotable)]
            return "GET", f"/api/payments/{pk}/quote/?new_due_date={new_due}", self.supplier, None
        if kind == "batch_quote":
            return "POST", "/api/payments/quote/", self.supplier, {"payments": self.quotable, "new_due_date": new_due}
        if kind == "request":
            user_id, pk = self.singles.pop()
            return "POST", "/api/anticipations/", self.tokens[user_id], {"payment": pk, "new_due_date": new_due}
        if kind == "batch_request":
            user_id, pks = self.batches.pop()
            return ("POST", "/api/anticipations/batch/", self.tokens[user_id],
                    {"payments": pks, "new_due_date": new_due})
        if kind == "decision":
            return "PATCH", f"/api/anticipations/{self.pending.pop()}/", self.operator, {"status": "A"}
        raise ValueError(kind)

    def block(self, kind, count):
        """Run `count` requests; the CPU seconds they took and the statuses that were not 2xx."""
        prepared = [self.request(kind) for _ in range(count)]
        bad = []
        started = time.process_time()
        for method, path, token, body in prepared:
            if body is None:
                response = self.client.get(path, HTTP_AUTHORIZATION=token)
            else:
                response = getattr(self.client, method.lower())(
                    path, data=json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=token)
            if not 200 <= response.status_code < 300:
                bad.append([response.status_code, response.content[:200].decode(errors="replace")])
        return time.process_time() - started, bad


def child_main(parity):
    # Replies go on the real stdout; anything the service prints goes to stderr.
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    child = Child(parity)
    out.write(json.dumps({"ready": True, "singles": len(child.singles), "batches": len(child.batches),
                          "pending": len(child.pending)}) + "\n")
    out.flush()
    for line in sys.stdin:
        kind, count = json.loads(line)
        seconds, bad = child.block(kind, count)
        out.write(json.dumps({"seconds": seconds, "bad": bad}) + "\n")
        out.flush()


# --- the parent ---------------------------------------------------------------------------------------


def start_child(checkout, parity, env):
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "ab.py"), "--a", "-", "--b", "-", "--db", "-",
         "--child", str(checkout), "--parity", str(parity)],
        cwd=checkout, env={**env, "PYTHONPATH": str(checkout)}, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True,
    )
    ready = json.loads(process.stdout.readline())
    return process, ready


def ask(process, kind, count):
    process.stdin.write(json.dumps([kind, count]) + "\n")
    process.stdin.flush()
    return json.loads(process.stdout.readline())


def git_describe(checkout):
    return subprocess.run(["git", "-C", str(checkout), "log", "-1", "--format=%h %s"], capture_output=True,
                          text=True).stdout.strip()


def main():
    args = parse_args()
    if args.child:
        return child_main(args.parity)
    sys.path.insert(0, str(ROOT))
    from bench.run import broker_user_create, broker_user_delete, redacted

    broker, broker_user = broker_user_create() if args.broker == "auto" else (args.broker, "")
    if not broker:
        raise SystemExit("no broker: the writes publish their emails to RabbitMQ (give --broker URL)")
    queue = f"codevance_ab_{os.getpid()}"
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "bench.settings", "DATABASE_URL": f"{args.pg}/{args.db}", "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(50), "JWT_SIGNING_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "testserver", "DJANGO_ENV": "production", "SECURE_SSL_REDIRECT": "False",
        "TRUSTED_PROXY_COUNT": "0", "DATABASE_SSL_REQUIRE": "False", "CONN_MAX_AGE": "600",
        "THROTTLE_WRITE_RATE": "1000000/s", "CELERY_BROKER_URL": broker, "BENCH_CELERY_QUEUE": queue,
        "LOG_LEVEL": "WARNING", "JWT_ACCESS_MINUTES": "240",
    })
    env.pop("REDIS_URL", None)
    sides = {"A": Path(args.a).resolve(), "B": Path(args.b).resolve()}
    children = {}
    databases = {"A": args.db, "B": args.db_b or args.db}
    for parity, (side, checkout) in enumerate(sides.items()):
        side_env = {**env, "DATABASE_URL": f"{args.pg}/{databases[side]}"}
        children[side], ready = start_child(checkout, parity, side_env)
        print(f"side {side}: {checkout} ({git_describe(checkout)}): {ready}", flush=True)
    names = args.only or list(ENDPOINTS)
    results = {}
    load = [os.getloadavg()]
    try:
        for name in names:
            _, _, kind = ENDPOINTS[name]
            count = args.writes if kind in WRITES else args.reads
            per = {"A": [], "B": []}
            bad = {"A": [], "B": []}
            for side in ("A", "B"):  # warm-up, not counted
                ask(children[side], kind, max(2, count // 4))
            for block in range(args.blocks):
                order = ("A", "B") if block % 2 == 0 else ("B", "A")
                for side in order:
                    reply = ask(children[side], kind, count)
                    per[side].append(reply["seconds"] * 1000 / count)
                    bad[side].extend(reply["bad"])
            ratios = sorted(b / a for a, b in zip(per["A"], per["B"]))
            quartiles = statistics.quantiles(ratios, n=4)
            a_ms, b_ms = statistics.median(per["A"]), statistics.median(per["B"])
            results[name] = {
                "a_ms": round(a_ms, 3), "b_ms": round(b_ms, 3), "change": round(b_ms / a_ms - 1, 4),
                "ratio_quartiles": [round(quartiles[0] - 1, 4), round(quartiles[2] - 1, 4)],
                "requests_per_side": count * args.blocks, "non_2xx": {k: len(v) for k, v in bad.items()},
                "non_2xx_samples": {k: v[:3] for k, v in bad.items()},
            }
            r = results[name]
            print(f"{name}: A {a_ms:.2f} ms, B {b_ms:.2f} ms, change {r['change']:+.1%} "
                  f"(blocks {r['ratio_quartiles'][0]:+.1%} .. {r['ratio_quartiles'][1]:+.1%}), "
                  f"non-2xx {r['non_2xx']}", flush=True)
            load.append(os.getloadavg())
    finally:
        for process in children.values():
            process.stdin.close()
            process.wait(timeout=60)
        from kombu import Connection

        try:
            with Connection(broker) as conn:
                conn.default_channel.queue_delete(queue)
        except Exception as error:  # noqa: BLE001 - cleanup must not hide the results
            print(f"could not delete queue {queue}: {error}")
        broker_user_delete(broker_user)
    record = {
        "started": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join(redacted(a) for a in sys.argv[1:]),
        "a": {"path": str(sides["A"]), "commit": git_describe(sides["A"])},
        "b": {"path": str(sides["B"]), "commit": git_describe(sides["B"])},
        "databases": databases, "blocks": args.blocks, "reads_per_block": args.reads, "writes_per_block": args.writes,
        "loadavg": load, "results": results,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.name}.json").write_text(json.dumps(record, indent=2) + "\n")
    lines = [
        f"# A/B: {record['a']['commit']} (A) against {record['b']['commit']} (B)", "",
        f"Run {record['started']} with `python3 bench/ab.py {record['command']}`: CPU time per request of "
        f"each side's process, {args.blocks} alternated blocks per endpoint ({args.reads} reads or "
        f"{args.writes} committed writes per block), database "
        f"{'`' + args.db + '`' if not args.db_b else f'`{args.db}` (A) and `{args.db_b}` (B)'}. "
        "Load average during the run: "
        f"{min(x[0] for x in load):.1f} to {max(x[0] for x in load):.1f}.", "",
        "| endpoint | A ms/request | B ms/request | change (B/A - 1) | block quartiles | non-2xx A / B |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        lines.append(f"| {name} | {r['a_ms']:.2f} | {r['b_ms']:.2f} | {r['change']:+.1%} | "
                     f"{r['ratio_quartiles'][0]:+.1%} .. {r['ratio_quartiles'][1]:+.1%} | "
                     f"{r['non_2xx']['A']} / {r['non_2xx']['B']} |")
    (RESULTS / f"{args.name}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
