"""The quarterly audit sample (002: every quarter 10–20 % of the records are sampled and re-checked).

The draw is reproducible: the dossier-level archive records archived in the quarter (Asia/Shanghai dates,
the archive's own calendar) sorted by archive number, then ``random.Random(seed).sample``; the same quarter
and seed always give the same list, so an auditor can show how a sample came about. One sample per quarter: it
cannot be drawn again until it looks better. Every draw and every recorded result is an audit event.

The caller owns the transaction (intake.lifecycle.maintenance). Errors are SampleError with a Chinese message
naming the offending value, shown to the user as it is.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intake.vocabulary import SAMPLE_RESULTS
from storage.models import ArchiveRecord, AuditSample, AuditSampleItem, RecordField, SampleResult
from storage.repository import audit

MIN_RATE = 0.10
MAX_RATE = 0.20
DEFAULT_RATE = 0.10
MAX_SEED = 2**31 - 1  # fits every backend's INTEGER
ARCHIVE_TZ = ZoneInfo("Asia/Shanghai")
_QUARTER_RE = re.compile(r"(\d{4})-Q([1-4])")
NOTE_MAX = 2000
_CODE_OF_NAME = {name: code for code, name in SAMPLE_RESULTS.items()}  # 合格 → passed: clerks type names


class SampleError(ValueError):
    """A draw or a result that cannot be accepted; the message (Chinese) is shown as it is."""


@dataclass(frozen=True, slots=True)
class Quarter:
    year: int
    number: int  # 1..4

    @property
    def label(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def next_first_day(self) -> date:
        return date(self.year + 1, 1, 1) if self.number == 4 else date(self.year, 3 * self.number + 1, 1)

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) in UTC: the quarter's days in the archive's time zone."""
        start = datetime.combine(self.first_day, datetime.min.time(), ARCHIVE_TZ)
        end = datetime.combine(self.next_first_day, datetime.min.time(), ARCHIVE_TZ)
        return start.astimezone(UTC), end.astimezone(UTC)

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)


def parse_quarter(text: object) -> Quarter:
    value = str(text or "").strip().upper()
    match = _QUARTER_RE.fullmatch(value)
    if match is None or not 2000 <= int(match.group(1)) <= 2999:
        raise SampleError(f"季度格式不正确：{text!r}（应为 年份-Q季度，如 2026-Q4）")
    return Quarter(int(match.group(1)), int(match.group(2)))


def check_rate(rate: object) -> float:
    """The sampling rate as a fraction; 10 %–20 % (002). Accepts 0.15, "0.15" and "15%"."""
    text = str(rate).strip()
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise SampleError(f"抽样比例不是数字：{rate!r}（应在 10%–20% 之间，如 0.1）") from None
    if not math.isfinite(value) or not MIN_RATE - 1e-9 <= value <= MAX_RATE + 1e-9:
        raise SampleError(f"抽样比例 {text} 超出范围：档案标准要求抽取 10%–20%（0.1–0.2）")
    return round(value, 6)


def check_seed(seed: object) -> int:
    try:
        value = int(str(seed).strip())
    except ValueError:
        raise SampleError(f"随机种子必须是整数：{seed!r}") from None
    if not 0 <= value <= MAX_SEED:
        raise SampleError(f"随机种子 {value} 超出范围（0–{MAX_SEED}）")
    return value


def sample_size(population: int, rate: float) -> int:
    """At least the rate (rounded up) and at least one record of a non-empty quarter."""
    if population <= 0:
        return 0
    return min(population, max(1, math.ceil(round(population * rate, 9))))


def records_of_quarter(s: Session, quarter: Quarter) -> list[ArchiveRecord]:
    """The quarter's dossier-level archive records in archive-number order (the order the seed applies to)."""
    start, end = quarter.bounds()
    query = select(ArchiveRecord).where(ArchiveRecord.archived_at >= start, ArchiveRecord.archived_at < end)
    return list(s.scalars(query.order_by(ArchiveRecord.archive_no)))


def choose(records: list[ArchiveRecord], rate: float, seed: int) -> list[ArchiveRecord]:
    """The reproducible draw: the same records, rate and seed give the same list in the same order."""
    return random.Random(seed).sample(records, sample_size(len(records), rate))


def sample_of(s: Session, quarter: Quarter) -> AuditSample | None:
    return s.scalar(select(AuditSample).where(AuditSample.quarter == quarter.label))


def draw(s: Session, quarter: Quarter, *, rate: float, seed: int, actor: str) -> AuditSample:
    """Draw and store the quarter's sample; SampleError when it exists or the quarter archived nothing."""
    if sample_of(s, quarter) is not None:
        raise SampleError(f"{quarter.label} 已抽样，每季度只抽取一次")
    records = records_of_quarter(s, quarter)
    if not records:
        raise SampleError(f"{quarter.label} 没有归档记录，无法抽样")
    chosen = choose(records, rate, seed)
    sample = AuditSample(quarter=quarter.label, seed=seed, rate=rate, population=len(records), drawn_by=actor)
    sample.items = [AuditSampleItem(record_id=r.id, position=n) for n, r in enumerate(chosen, 1)]
    s.add(sample)
    s.flush()
    audit(
        s, actor, "sample.drawn", entity=f"sample:{quarter.label}",
        after={"quarter": quarter.label, "seed": seed, "rate": rate, "population": len(records),
               "archive_nos": [r.archive_no for r in chosen]},
    )  # fmt: skip
    return sample


def record_result(
    s: Session, quarter: Quarter, item_id: int, result: str, note: str | None, *, actor: str
) -> AuditSampleItem:
    """Record the result of re-checking one sampled record; 不合格 needs a note saying what was wrong."""
    item = s.get(AuditSampleItem, item_id)
    if item is None or item.sample.quarter != quarter.label:
        raise SampleError(f"{quarter.label} 的抽查样本中没有编号为 {item_id} 的记录")
    try:
        outcome = SampleResult(_CODE_OF_NAME.get(str(result).strip(), str(result).strip()))
    except ValueError:
        raise SampleError(f"抽查结果无效：{result!r}（应为 合格 或 不合格）") from None
    if outcome == SampleResult.PENDING:
        raise SampleError("抽查结果应为 合格 或 不合格")
    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_MAX:
        raise SampleError(f"说明过长：最多 {NOTE_MAX} 字")
    if outcome == SampleResult.FAILED and note is None:
        raise SampleError("结果为不合格时须填写说明")
    before = {"result": item.result.value, "note": item.note, "checked_by": item.checked_by}
    item.result, item.note = outcome, note
    item.checked_by, item.checked_at = actor, datetime.now(UTC)
    record = s.get_one(ArchiveRecord, item.record_id)
    audit(
        s, actor, "sample.checked", dossier_id=record.dossier_id,
        entity=f"sample:{quarter.label}:{record.archive_no}",
        before=before, after={"result": outcome.value, "note": note},
    )  # fmt: skip
    return item


def item_id_of(s: Session, quarter: Quarter, archive_no: str) -> int:
    """The sample item of an archive number in the quarter's sample (the CLI names records by number)."""
    query = (
        select(AuditSampleItem.id)
        .join(AuditSample, AuditSample.id == AuditSampleItem.sample_id)
        .join(ArchiveRecord, ArchiveRecord.id == AuditSampleItem.record_id)
        .where(AuditSample.quarter == quarter.label, ArchiveRecord.archive_no == archive_no.strip())
    )
    item_id = s.scalar(query)
    if item_id is None:
        raise SampleError(f"{quarter.label} 的抽查样本中没有归档编号 {archive_no}")
    return item_id


@dataclass(frozen=True, slots=True)
class SampleRow:
    """One sampled record as the lists show it: archive number, customer, result."""

    item_id: int
    position: int
    archive_no: str
    customer_no: str
    customer_name: str
    archived_at: datetime
    archived_on: date  # the archive's calendar day (Asia/Shanghai), the one the quarter is made of
    dossier_id: str
    result: str
    note: str | None
    checked_by: str | None
    checked_at: datetime | None


def rows_of(s: Session, sample: AuditSample) -> list[SampleRow]:
    """The sample's items in draw order, each naming its customer (the dossier's archived customer name)."""
    name = (
        select(func.max(RecordField.value))
        .where(RecordField.dossier_id == ArchiveRecord.dossier_id, RecordField.name == "customer_name")
        .scalar_subquery()
    )
    query = (
        select(AuditSampleItem, ArchiveRecord, name)
        .join(ArchiveRecord, ArchiveRecord.id == AuditSampleItem.record_id)
        .where(AuditSampleItem.sample_id == sample.id)
        .order_by(AuditSampleItem.position)
    )
    return [
        SampleRow(
            item_id=item.id,
            position=item.position,
            archive_no=record.archive_no,
            customer_no=record.customer_no,
            customer_name=customer_name or "",
            archived_at=record.archived_at,
            archived_on=record.archived_at.astimezone(ARCHIVE_TZ).date(),
            dossier_id=record.dossier_id,
            result=item.result.value,
            note=item.note,
            checked_by=item.checked_by,
            checked_at=item.checked_at,
        )
        for item, record, customer_name in s.execute(query)
    ]


def all_samples(s: Session) -> list[AuditSample]:
    return list(s.scalars(select(AuditSample).order_by(AuditSample.quarter.desc())))


def counts(s: Session, sample: AuditSample) -> dict[str, int]:
    """How many items of the sample have each result (every result named, zeros included)."""
    found = dict(
        s.execute(
            select(AuditSampleItem.result, func.count())
            .where(AuditSampleItem.sample_id == sample.id)
            .group_by(AuditSampleItem.result)
        ).all()
    )
    return {r.value: int(found.get(r, 0)) for r in SampleResult}
