"""Peak memory of the streamed CSV export at 10,000 and 100,000 rows (a benchmark, not a test).

    PIPENV_VENV_IN_PROJECT=1 python3 -m pipenv run python bench/csv_export_memory.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/codevance_bench ... python bench/csv_export_memory.py

Without DATABASE_URL it uses a throw-away SQLite file. With DATABASE_URL the database is wiped
and migrated first, so give it a database of its own. It seeds 100,000 payments (10,000 for one
supplier, 90,000 for another), then, as an operator, downloads `GET /api/payments/?format=csv`
filtered to the first supplier (10,000 rows) and unfiltered (100,000 rows), consuming the
stream chunk by chunk as a client would, and prints the peak Python memory (tracemalloc) of
each export. Flat memory means the 100,000-row peak is about the 10,000-row one, not 10x. For
contrast it also measures materialising the same rows as a list, as a non-streamed export would.
"""

import os
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
_sqlite_dir = None
if not os.environ.get("DATABASE_URL"):
    _sqlite_dir = tempfile.TemporaryDirectory()
    os.environ["DATABASE_URL"] = f"sqlite:///{_sqlite_dir.name}/bench.sqlite3"
os.environ["DEBUG"] = "False"  # DEBUG keeps every query in memory
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "codevance_api.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from codevance_api.accounts.models import User  # noqa: E402
from codevance_api.payments.models import Payment, Supplier  # noqa: E402

SMALL, LARGE = 10_000, 100_000


def seed():
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    operator = User.objects.create_user(email="bench-operator@example.com", password="x", is_operator=True)
    small = Supplier.objects.create(
        user=User.objects.create_user(email="bench-small@example.com", password="x"),
        corporate_name="Small Ltda",
        reg_number="11222333000181",
    )
    large = Supplier.objects.create(
        user=User.objects.create_user(email="bench-large@example.com", password="x"),
        corporate_name="Large Ltda",
        reg_number="45723174000110",
    )
    start = date.today() + timedelta(days=30)
    for supplier, count in ((small, SMALL), (large, LARGE - SMALL)):
        rows = (
            Payment(supplier=supplier, due_date=start + timedelta(days=i % 365), value=Decimal(1000 + i % 997))
            for i in range(count)
        )
        batch = []
        for payment in rows:
            batch.append(payment)
            if len(batch) == 5000:
                Payment.objects.bulk_create(batch)
                batch = []
        Payment.objects.bulk_create(batch)
    return operator, small


def measure_export(client, url, expected_rows):
    tracemalloc.start()
    began = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200 and response.streaming, response
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - began
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert lines == expected_rows + 1, (lines, expected_rows)
    return peak, size, seconds


def measure_materialised(queryset):
    tracemalloc.start()
    rows = list(queryset.values_list("id", "supplier", "creation_date", "due_date", "value"))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del rows
    return peak


def main():
    print(f"database: {django.db.connection.vendor}; seeding {LARGE:,} payments ...", flush=True)
    operator, small = seed()
    client = APIClient()
    client.force_authenticate(operator)
    mib = 1024 * 1024
    results = {}
    for rows, url in ((SMALL, f"/api/payments/?format=csv&supplier={small.pk}"), (LARGE, "/api/payments/?format=csv")):
        measure_export(client, url, rows)  # warm-up: imports and caches are not the export's cost
        results[rows] = measure_export(client, url, rows)
    print(f"{'rows':>8} {'CSV bytes':>12} {'peak (MiB)':>11} {'seconds':>8}   non-streamed list peak (MiB)")
    for rows, (peak, size, seconds) in results.items():
        queryset = Payment.objects.filter(supplier=small) if rows == SMALL else Payment.objects.all()
        listed = measure_materialised(queryset) / mib
        print(f"{rows:>8,} {size:>12,} {peak / mib:>11.2f} {seconds:>8.2f}   {listed:.2f}")
    ratio = results[LARGE][0] / results[SMALL][0]
    print(f"peak at {LARGE:,} rows / peak at {SMALL:,} rows = {ratio:.2f} (rows grew 10x; about 1 means flat memory)")


if __name__ == "__main__":
    main()
