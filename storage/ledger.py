"""The customer ledger (客户信息台账, seed 003) written as XLSX or CSV, one customer per row, streamed.

The rows come a batch at a time (storage.customers.ledger_batch, each batch in its own transaction); the XLSX
is written with openpyxl's write-only workbook and the CSV line by line, so any ledger fits in bounded memory.
The columns and their widths are fixed in advance (a streamed sheet cannot be measured after the fact): each
width is sized for what the column holds, so the sheet opens readable in Excel without resizing.
Level-1 values (the bank account) pass through `level1`, so a role that may not see them gets them masked.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from intake.vocabulary import field_name, status_name
from storage.customers import LedgerRow

FORMATS = ("xlsx", "csv")
SHEET_TITLE = "客户信息台账"
DATE_FORMAT = "yyyy-mm-dd"
LEVEL1 = frozenset({"bank_account", "consignee_id_number"})
BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only when it starts with the byte-order mark

Mask = Callable[[str | None], str | None]


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    heading: str
    width: float  # Excel character units; a CJK character counts as two


def _field(key: str, width: float) -> Column:
    return Column(key, field_name(key), width)


COLUMNS: tuple[Column, ...] = (
    Column("customer_no", "客户编号", 15),
    _field("customer_name", 36),
    _field("tax_id", 22),
    _field("bank_name", 30),
    _field("bank_account", 24),
    _field("tax_address", 44),
    _field("tax_phone", 16),
    _field("legal_representative", 12),
    _field("consignee_name", 12),
    Column("status", "状态", 8),
    Column("first_archived_on", "首次归档日期", 14),
    Column("last_archived_on", "最近归档日期", 14),
    Column("dossiers", "档案数", 8),
)
HEADINGS = tuple(c.heading for c in COLUMNS)


def row_values(row: LedgerRow, level1: Mask | None = None) -> list[Any]:
    """The ledger's cells of one customer, in column order (dates as dates, the count as a number)."""
    out: list[Any] = []
    for column in COLUMNS:
        key = column.key
        value: Any
        if key == "customer_no":
            value = row.customer_no
        elif key == "customer_name":
            value = row.values.get(key) or row.name
        elif key == "tax_id":
            value = row.values.get(key) or row.tax_id  # as printed; the key is the canonical form
        elif key == "status":
            value = status_name(row.status)
        elif key in ("first_archived_on", "last_archived_on"):
            value = getattr(row, key)
        elif key == "dossiers":
            value = row.dossiers
        else:
            value = row.values.get(key) or ""
        if key in LEVEL1 and level1 is not None:
            value = level1(value) or ""
        out.append(value)
    return out


def write_xlsx(rows: Iterable[LedgerRow], target: Path, level1: Mask | None = None) -> int:
    """Write the ledger to `target` (replaced atomically); returns the number of customers written."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET_TITLE)
    for n, column in enumerate(COLUMNS, 1):
        ws.column_dimensions[get_column_letter(n)].width = column.width
    ws.freeze_panes = "A2"
    bold, centred = Font(bold=True), Alignment(horizontal="center", vertical="center")
    header = []
    for heading in HEADINGS:
        cell = WriteOnlyCell(ws, value=heading)
        cell.font, cell.alignment = bold, centred
        header.append(cell)
    ws.append(header)
    count = 0
    for row in rows:
        ws.append([_date_cell(ws, v) if isinstance(v, date) else v for v in row_values(row, level1)])
        count += 1
    _atomic(target, wb.save)
    return count


def _date_cell(ws: Any, value: date) -> WriteOnlyCell:
    """A date shown as YYYY-MM-DD (002) and kept a real date, so Excel sorts and filters it as one."""
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = DATE_FORMAT
    return cell


def csv_chunks(rows: Iterable[LedgerRow], level1: Mask | None = None) -> Iterator[str]:
    """The ledger as CSV text in chunks (the first carries the BOM and the headings), for streaming."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADINGS)
    yield BOM + _take(buffer)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row_values(row, level1)])
        if buffer.tell() > 64 * 1024:
            yield _take(buffer)
    rest = _take(buffer)
    if rest:
        yield rest


def write_csv(rows: Iterable[LedgerRow], target: Path, level1: Mask | None = None) -> int:
    """Write the ledger as UTF-8 CSV with a BOM to `target` (replaced atomically); returns the customers."""
    count = 0

    def counted() -> Iterator[LedgerRow]:
        nonlocal count
        for row in rows:
            count += 1
            yield row

    def save(path: str) -> None:
        with Path(path).open("w", encoding="utf-8", newline="") as fh:
            for chunk in csv_chunks(counted(), level1):
                fh.write(chunk)

    _atomic(target, save)
    return count


def _csv_cell(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate(0)
    return text


def _atomic(target: Path, save: Callable[[str], Any]) -> None:
    """Write beside the target and rename over it: a reader never sees half a ledger."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        save(str(tmp))
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
