"""The customer ledger (客户信息台账) over many customers: time and memory of the XLSX and CSV exports and of
the customer list page.

Run: `python -m tests.bench.ledger [--customers 10000]`. Fills a temporary SQLite database with customers in
bulk (each with the ledger's key fields and two archived dossiers), then writes the ledger as XLSX and CSV
through intake.lifecycle.customers.export_ledger and times /customers with the Flask test client. Memory is
the Python heap's peak during each export (tracemalloc), which must stay flat as the customers grow: the rows
are streamed (yield_per) and the sheet written in openpyxl's write-only mode.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert, select
from werkzeug.security import generate_password_hash

from intake.lifecycle.customers import export_ledger
from review_ui import create_app
from storage.models import Customer, CustomerStatus, Dossier, DossierStatus, Role, User, utcnow
from tests.review_ui.conftest import TODAY, csrf_of, make_context

BATCH = 2000


def fill(ctx: object, n: int, rng: random.Random) -> None:
    sessions = ctx.sessions  # type: ignore[attr-defined]
    start = date(2020, 1, 1)
    with sessions.begin() as s:
        for first in range(0, n, BATCH):
            rows = []
            for i in range(first, min(n, first + BATCH)):
                day = start + timedelta(days=i // 200)
                rows.append(
                    {
                        "customer_no": f"C{day:%Y%m%d}{i % 200 + 1:03d}",
                        "tax_id": f"91330100MA{i:08d}",
                        "name": f"杭州第{i}号贸易有限公司",
                        "status": CustomerStatus.ACTIVE if rng.random() < 0.9 else CustomerStatus.DORMANT,
                        "values": {
                            "customer_name": f"杭州第{i}号贸易有限公司",
                            "tax_id": f"91330100MA{i:08d}",
                            "bank_name": "中国工商银行杭州分行",
                            "bank_account": f"6222{i:015d}",
                            "tax_address": f"浙江省杭州市西湖区文三路{i}号",
                            "tax_phone": "0571-88886666",
                            "legal_representative": "王明",
                            "consignee_name": "张三",
                        },
                        "created_at": utcnow(),
                        "updated_at": utcnow(),
                        "first_archived_on": day,
                        "last_archived_on": day + timedelta(days=rng.randint(0, 900)),
                    }
                )
            s.execute(insert(Customer), rows)
        ids = list(s.scalars(select(Customer.id)))
        dossiers = [
            {
                "id": f"{cid:016x}{k:016x}",
                "customer_id": cid,
                "status": DossierStatus.ARCHIVED,
                "as_of": start,
                "missing": [],
                "created_at": utcnow(),
                "updated_at": utcnow(),
            }
            for cid in ids
            for k in range(2)
        ]
        for first in range(0, len(dossiers), BATCH):
            s.execute(insert(Dossier), dossiers[first : first + BATCH])


def _export(ctx: object, target: Path, fmt: str) -> tuple[float, float, int]:
    """Seconds of a plain run, then the heap's peak in MB of a second, traced run (tracing slows it)."""
    began = time.perf_counter()
    count = export_ledger(ctx, target, fmt)  # type: ignore[arg-type]
    seconds = time.perf_counter() - began
    tracemalloc.start()
    export_ledger(ctx, target, fmt)  # type: ignore[arg-type]
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak, count


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--customers", type=int, default=10_000)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ctx = make_context(root / "data")
        began = time.perf_counter()
        fill(ctx, args.customers, random.Random(11))
        print(f"filled {args.customers} customers in {time.perf_counter() - began:.1f} s")
        for fmt in ("xlsx", "csv"):
            target = root / f"ledger.{fmt}"
            seconds, peak, count = _export(ctx, target, fmt)
            size = target.stat().st_size / 2**20
            shown = f"{count} customers in {seconds:.2f} s, {size:.1f} MB, heap peak {peak:.1f} MB"
            print(f"ledger {fmt}: {shown}")
        with ctx.sessions.begin() as s:
            s.add(User(name="reviewer", password_hash=generate_password_hash("pw"), role=Role.REVIEWER))
        client = create_app(ctx, start_reading=lambda *_: None, today=lambda: TODAY).test_client()
        token = csrf_of(client.get("/login").get_data(as_text=True))
        client.post("/login", data={"name": "reviewer", "password": "pw", "csrf_token": token})
        times = []
        for page in (1, 2, 50, 1, 2):
            began = time.perf_counter()
            assert client.get(f"/customers?page={page}").status_code == 200
            times.append((time.perf_counter() - began) * 1000)
        print(f"/customers page: median {sorted(times)[len(times) // 2]:.0f} ms, max {max(times):.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
