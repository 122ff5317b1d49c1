"""Filing in storage: names and folders of 002, the searchable PDF, originals with their SHA-256, versions
instead of overwrites, paths kept inside the data dir, and archive numbers unique under concurrent approvals.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from threading import Barrier

import pdfplumber
import pytest
from PIL import Image
from sqlalchemy.orm import Session, sessionmaker

from storage import filing, review
from storage import repository as repo
from storage.filestore import FileStore
from storage.filing import FilingError, Original
from storage.filing_pdf import PdfPage, Word
from storage.models import ArchiveRecord

from .builders import AS_OF

ON = date(2026, 11, 23)
WORKERS = 4


def test_names_and_folders_follow_the_standard() -> None:
    assert filing.quarter(date(2026, 1, 1)) == "2026-Q1"
    assert filing.quarter(date(2026, 6, 30)) == "2026-Q2"
    assert filing.quarter(ON) == "2026-Q4"
    assert filing.archive_folder("C20261123001", ON) == Path("archive/C20261123001/2026-Q4")
    assert (
        filing.document_stem("C20261123001", "经销合同（3C协议）", ON)
        == "C20261123001_经销合同（3C协议）_2026-11-23"
    )
    # a type name that could leave its folder is made filename-safe
    assert (
        filing.document_stem("C1", "开户许可证/基本存款账户信息", ON)
        == "C1_开户许可证_基本存款账户信息_2026-11-23"
    )
    assert filing.safe_name("../../etc/passwd") == "_.._etc_passwd"
    assert filing.safe_name('docs.zip/a\\b:c*?"<>|.jpg') == "docs.zip_a_b_c_.jpg"
    assert filing.safe_name("...") == "文件"
    long = filing.safe_name("长" * 200 + ".jpeg")
    assert len(long) == filing.NAME_CHARS and long.endswith(".jpeg")
    for hostile in ("../C1", "C1/../../x", "", "c1"):
        with pytest.raises(FilingError, match="客户编号"):
            filing.archive_folder(hostile, ON)


def _page(tmp: Path, name: str, size: tuple[int, int] = (1240, 877)) -> Path:
    path = tmp / f"{name}.jpg"
    Image.new("RGB", size, "white").save(path, format="JPEG")
    return path


def _original(store: FileStore, data: bytes, name: str) -> Original:
    sha = store.put_bytes(data, "jpg")
    return Original(display_name=name, sha256=sha, path=store.path(sha))


def _file(data_dir: Path, pages: list[PdfPage], originals: list[Original]) -> filing.FiledDocument:
    return filing.write_document(
        data_dir,
        customer_no="C20261123001",
        type_name="营业执照",
        on=ON,
        pages=pages,
        originals=originals,
        manifest={"archive_no": "GD20261123001-01", "dossier_archive_no": "GD20261123001"},
    )


def test_a_document_is_filed_as_a_searchable_pdf_beside_its_verified_originals(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    store = FileStore(data_dir / "files")
    pages = [
        PdfPage(_page(tmp_path, "p1"), [Word("统一社会信用代码 91330100MA27XXXX1N", (100, 100, 900, 140))]),
        PdfPage(
            _page(tmp_path, "p2"),
            [Word("杭州明达贸易有限公司", (100, 300, 600, 340)), Word("\x00", (1, 1, 9, 9))],
        ),
    ]
    originals = [
        _original(store, b"\xff\xd8 scan one", "docs.zip/营业执照.jpg"),
        _original(store, b"\xff\xd8 scan two", "docs.zip/营业执照.jpg"),  # same display name, other file
    ]

    filed = _file(data_dir, pages, originals)

    assert filed.pdf_path == "archive/C20261123001/2026-Q4/C20261123001_营业执照_2026-11-23.pdf"
    assert filed.version == 1 and filed.page_count == 2
    pdf = data_dir / filed.pdf_path
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == filed.pdf_sha256
    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) == 2
        text = "\n".join(page.extract_text() or "" for page in doc.pages)
        chars = doc.pages[1].chars
    assert "91330100MA27XXXX1N" in text and "杭州明达贸易有限公司" in text
    # the word is stretched over its box: it starts and ends where the box does (72/200 pt per pixel)
    assert chars[0]["x0"] == pytest.approx(100 * 0.36, abs=0.5)
    assert chars[-1]["x1"] == pytest.approx(600 * 0.36, abs=1.0)

    manifest = json.loads((data_dir / filed.manifest_path).read_text(encoding="utf-8"))
    assert filed.manifest_path.endswith("C20261123001_营业执照_2026-11-23_清单.json")
    assert manifest["archive_no"] == "GD20261123001-01" and manifest["dossier_archive_no"] == "GD20261123001"
    assert manifest["pdf"]["sha256"] == filed.pdf_sha256 and manifest["pdf"]["pages"] == 2
    assert [o["name"] for o in manifest["originals"]] == ["docs.zip_营业执照.jpg", "docs.zip_营业执照(2).jpg"]
    for entry, original in zip(manifest["originals"], originals, strict=True):
        copy = data_dir / entry["path"]
        assert copy.parent.name == "C20261123001_营业执照_2026-11-23_原件"
        assert hashlib.sha256(copy.read_bytes()).hexdigest() == entry["sha256"] == original.sha256
        assert entry["size"] == copy.stat().st_size == original.path.stat().st_size
    assert filing.filed_path(data_dir, filed.pdf_path) == pdf.resolve()


def test_filing_the_same_name_again_makes_version_2_and_leaves_version_1_untouched(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    store = FileStore(data_dir / "files")
    original = _original(store, b"\xff\xd8 scan", "licence.jpg")
    first = _file(data_dir, [PdfPage(_page(tmp_path, "a"), [Word("第一次", (10, 10, 200, 50))])], [original])
    before = (data_dir / first.pdf_path).read_bytes()

    second = _file(data_dir, [PdfPage(_page(tmp_path, "b"), [Word("第二次", (10, 10, 200, 50))])], [original])

    assert (first.version, second.version) == (1, 2)
    assert second.pdf_path.endswith("C20261123001_营业执照_2026-11-23_v2.pdf")
    assert second.manifest_path.endswith("_v2_清单.json")
    assert second.originals[0]["path"].split("/")[-2] == "C20261123001_营业执照_2026-11-23_v2_原件"
    assert (data_dir / first.pdf_path).read_bytes() == before
    assert json.loads((data_dir / first.manifest_path).read_text(encoding="utf-8"))["version"] == 1
    with pdfplumber.open(data_dir / second.pdf_path) as doc:
        assert "第二次" in (doc.pages[0].extract_text() or "")
    assert not list((data_dir / "archive").rglob(".filing-*"))  # no temporary file left behind


def test_a_copy_that_does_not_match_its_sha256_stops_the_filing(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    altered = tmp_path / "altered.jpg"
    altered.write_bytes(b"not what was stored")
    original = Original(display_name="permit.jpg", sha256="a" * 64, path=altered)
    with pytest.raises(FilingError, match=r"原件校验失败.*permit\.jpg"):
        _file(data_dir, [PdfPage(_page(tmp_path, "p"), [])], [original])


def test_filed_paths_from_rows_never_leave_the_archive(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    (data_dir / "files").mkdir(parents=True)
    (data_dir / "dossier.db").write_bytes(b"x")
    assert filing.filed_path(data_dir, "../../etc/passwd") is None
    assert filing.filed_path(data_dir, "dossier.db") is None  # inside the data dir, but not filed
    assert filing.filed_path(data_dir, "archive/C1/2026-Q4/missing.pdf") is None


def _archive(sessions: sessionmaker[Session], dossier_id: str, barrier: Barrier) -> str:
    with sessions.begin() as s:
        barrier.wait()
        record = review.add_archive_record(
            s, dossier_id, on=date(2026, 11, 27), customer_no="C20261101001", doc_category="资质", copies=1,
            location="电子", handler="admin", reviewer="reviewer",
        )  # fmt: skip
        return record.archive_no


def test_archive_numbers_have_their_own_daily_sequence_unique_under_concurrent_approvals(
    sessions: sessionmaker[Session],
) -> None:
    # GIVEN one customer's dossiers (one customer number) and a record of another day
    with sessions.begin() as s:
        earlier = repo.create_dossier(s, as_of=AS_OF).id
        s.add(
            ArchiveRecord(
                archive_no="GD20261126007", dossier_id=earlier, customer_no="C20261101001",
                doc_category="资质", location="电子", handler="admin",
            )
        )  # fmt: skip
        dossier_ids = [repo.create_dossier(s, as_of=AS_OF).id for _ in range(WORKERS)]
    barrier = Barrier(WORKERS)
    with ThreadPoolExecutor(WORKERS) as pool:
        numbers = list(pool.map(lambda d: _archive(sessions, d, barrier), dossier_ids))
    assert sorted(numbers) == [f"GD20261127{n:03d}" for n in range(1, WORKERS + 1)]
