"""Server time of the review UI's busiest pages over a database of 10 000 synthetic dossiers.

Run: `python -m tests.bench.ui [--dossiers 10000] [--requests 200]`. Fills a temporary SQLite database with
bulk inserts (no OCR: dossiers, a few findings each, one fully read dossier for the review page), then times
the queue, the dashboard (HTML and JSON) and the review page with the Flask test client, signed in as a
reviewer. Prints p50/p95 per page; the target is p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert

from review_ui import create_app
from storage.models import Dossier, DossierStatus, FindingRow, new_id, utcnow
from tests.review_ui.conftest import TODAY, csrf_of, make_context, seed_dossier

TARGET_MS = 100.0
STATUSES = [
    (DossierStatus.AWAITING_REVIEW, 0.45),
    (DossierStatus.ARCHIVED, 0.3),
    (DossierStatus.SENT_BACK, 0.1),
    (DossierStatus.READING, 0.05),
    (DossierStatus.REJECTED, 0.05),
    (DossierStatus.FAILED, 0.05),
]
MISSING = ["seal_card", "logistics_contract", "consignee_id", "bank_permit"]


def fill(ctx: object, n: int, rng: random.Random) -> None:
    statuses, weights = zip(*STATUSES, strict=True)
    rows, findings = [], []
    now = utcnow()
    for i in range(n):
        deadline = TODAY + timedelta(days=rng.randint(-10, 30))
        dossier_id = new_id()
        rows.append(
            {
                "id": dossier_id,
                "reference": f"REF-{i:05d}",
                "status": rng.choices(statuses, weights)[0],
                "pickup_date": deadline + timedelta(days=7),
                "deadline": deadline,
                "as_of": TODAY - timedelta(days=rng.randint(0, 20)),
                "created_at": now,
                "updated_at": now,
                "pages_total": 12,
                "pages_done": 12,
                "pages_failed": 0,
                "complete": rng.random() < 0.5,
                "missing": rng.sample(MISSING, rng.randint(0, 2)),
                "blockers": rng.randint(0, 3),
                "low_confidence": rng.randint(0, 6),
                "assigned_reviewer": rng.choice([None, "reviewer", "王审核"]),
            }
        )
        findings.extend(
            {
                "dossier_id": dossier_id,
                "rule": "document_missing",
                "severity": "blocker",
                "message": "缺少客户印鉴卡，请客户补交。",
                "evidence": [{"doc_type": "seal_card"}],
                "detail": "",
                "status": "open",
                "created_at": now,
            }
            for _ in range(2)
        )
    with ctx.sessions.begin() as s:  # type: ignore[attr-defined]
        s.execute(insert(Dossier), rows)
        s.execute(insert(FindingRow), findings)


def timed(client: object, url: str, requests: int) -> list[float]:
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dossiers", type=int, default=10_000)
    ap.add_argument("--requests", type=int, default=200)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        ctx = make_context(Path(tmp))
        from review_ui.auth import add_user
        from storage.models import Role

        with ctx.sessions.begin() as s:
            add_user(s, "reviewer", "bench-reviewer-pw", Role.REVIEWER)
        started = time.perf_counter()
        fill(ctx, args.dossiers, random.Random(1))
        seeded = seed_dossier(ctx, reference="BENCH", pickup=date(2026, 12, 10))
        print(f"filled {args.dossiers} dossiers in {time.perf_counter() - started:.1f}s")
        app = create_app(ctx, start_reading=lambda *_: None, today=lambda: TODAY)
        client = app.test_client()
        token = csrf_of(client.get("/login").get_data(as_text=True))
        client.post("/login", data={"name": "reviewer", "password": "bench-reviewer-pw", "csrf_token": token})
        pages = {
            "queue": "/queue",
            "queue (filtered, page 5)": "/queue?status=awaiting_review&reviewer=reviewer&days_left=10&page=5",
            "dashboard": "/dashboard",
            "dashboard JSON": "/api/dashboard",
            "review page": f"/dossiers/{seeded.dossier_id}",
        }
        worst = 0.0
        print(f"{'page':28} {'p50 ms':>8} {'p95 ms':>8}   ({args.requests} requests each)")
        for name, url in pages.items():
            timed(client, url, 5)  # warm caches and template compilation
            times = sorted(timed(client, url, args.requests))
            p95 = times[int(0.95 * len(times)) - 1]
            worst = max(worst, p95)
            print(f"{name:28} {statistics.median(times):8.1f} {p95:8.1f}")
        verdict = "OK" if worst < TARGET_MS else "SLOW"
        print(f"worst p95 {worst:.1f} ms (target < {TARGET_MS:.0f} ms): {verdict}")
        return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
