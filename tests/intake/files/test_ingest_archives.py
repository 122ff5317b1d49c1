"""ZIP archives: members are ingested one by one; hostile entries are refused without touching the others."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from intake.files import IngestResult, Limits, RejectionError, ingest, ingest_upload
from intake.files.archive import ArchiveBudget, BoundedMemberReader, member_name, safe_parts
from storage.filestore import FileStore


def _codes(result: IngestResult) -> dict[str, str]:
    return {r.file: r.code for r in result.rejected}


def _names(result: IngestResult) -> list[str]:
    return [f.name for f in result.files]


def _upload(store: FileStore, name: str, data: bytes, limits: Limits = Limits()) -> IngestResult:  # noqa: B008
    return ingest_upload(name, io.BytesIO(data), store, limits)


def test_members_are_ingested_with_archive_prefixed_names(store: FileStore, make: SimpleNamespace) -> None:
    data = make.zip(
        {
            "dossier/营业执照.jpg": make.jpeg(),
            "dossier/form.pdf": make.pdf(pages=2),
            "dossier/": b"",
            "__MACOSX/dossier/._form.pdf": b"\x00\x05\x16\x07",
            "dossier/.DS_Store": b"Bud1",
        }
    )

    result = _upload(store, "archive.zip", data)

    assert _names(result) == ["archive.zip/dossier/form.pdf", "archive.zip/dossier/营业执照.jpg"]
    assert result.rejected == ()
    # The archive itself is kept as sent, but is not a page source.
    (archive,) = result.archives
    assert archive.name == "archive.zip" and store.verify(archive.sha256)
    assert archive.stored_path.read_bytes() == data


def test_gbk_names_from_windows_zips_are_decoded(store: FileStore, make: SimpleNamespace) -> None:
    data = make.gbk_zip({"客户资料/开户许可证.jpg": make.jpeg(), "税务登记证.png": make.png()})

    result = _upload(store, "资料.zip", data)

    assert _names(result) == ["资料.zip/客户资料/开户许可证.jpg", "资料.zip/税务登记证.png"]


def test_unflagged_utf8_names_are_not_turned_into_gbk_mojibake() -> None:
    info = zipfile.ZipInfo("营业执照.jpg".encode().decode("cp437"))
    assert member_name(info) == "营业执照.jpg"
    info = zipfile.ZipInfo("营业执照.jpg".encode("gbk").decode("cp437"))
    assert member_name(info) == "营业执照.jpg"
    info = zipfile.ZipInfo("scan 01.jpg")
    assert member_name(info) == "scan 01.jpg"


def test_unsafe_entries_are_refused_and_the_rest_kept(store: FileStore, make: SimpleNamespace) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("../evil.jpg", make.jpeg(text="evil"))
        zf.writestr("/abs.jpg", make.jpeg(text="abs"))
        zf.writestr("ok/../../up.jpg", make.jpeg(text="up"))
        zf.writestr("C:\\Windows\\win.jpg", make.jpeg(text="win"))
        link = zipfile.ZipInfo("link.jpg")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
        zf.writestr("good.jpg", make.jpeg(text="good"))

    result = _upload(store, "x.zip", buf.getvalue())

    assert _names(result) == ["x.zip/good.jpg"]
    assert set(_codes(result).values()) == {"unsafe_path"}
    assert len(result.rejected) == 5
    # Nothing was written outside the store.
    outside = [p for p in store.root.parent.rglob("*") if not p.is_relative_to(store.root)]
    assert outside == []


def test_nested_archives_up_to_the_depth_limit(store: FileStore, make: SimpleNamespace) -> None:
    level3 = make.zip({"deep.jpg": make.jpeg(text="deep")})
    level2 = make.zip({"inner2.zip": level3, "two.jpg": make.jpeg(text="two")})
    level1 = make.zip({"inner1.zip": level2, "one.jpg": make.jpeg(text="one")})

    result = _upload(store, "outer.zip", level1)

    assert _names(result) == ["outer.zip/inner1.zip/two.jpg", "outer.zip/one.jpg"]
    assert _codes(result) == {"outer.zip/inner1.zip/inner2.zip": "nested_archive_too_deep"}


def test_zip_bomb_is_refused_quickly_and_other_files_survive(
    tmp_path: Path, store: FileStore, make: SimpleNamespace
) -> None:
    bomb = tmp_path / "bomb.zip"
    make.zero_bomb(bomb, megabytes=300)
    good = tmp_path / "good.jpg"
    good.write_bytes(make.jpeg())

    result = ingest([bomb, good], store)

    assert _names(result) == ["good.jpg"]
    assert _codes(result) == {"bomb.zip/scan.pdf": "zip_bomb"}
    assert list((store.root / ".tmp").iterdir()) == []


def test_archive_wide_ratio_catches_bombs_split_into_small_entries(
    store: FileStore, make: SimpleNamespace
) -> None:
    # Each blank BMP deflates ~100:1, under the per-entry grace; together they exceed the archive budget.
    members = {f"page{n:02d}.bmp": make.bmp((300 + n, 300)) for n in range(12)}
    limits = Limits(max_zip_ratio=10, zip_ratio_grace_bytes=1_000_000)

    result = _upload(store, "pages.zip", make.zip(members), limits)

    assert 0 < len(result.files) < 12
    codes = _codes(result)
    assert codes["pages.zip"] == "zip_bomb"  # the rest of the archive is left unread…
    assert set(codes.values()) == {"zip_bomb"}  # …after the entry that crossed the budget
    assert "项未处理" in next(r.reason for r in result.rejected if r.file == "pages.zip")


def test_bounded_reader_stops_at_the_cap_whatever_the_header_says() -> None:
    budget = ArchiveBudget(archive_size=10, limits=Limits(max_zip_ratio=1, zip_ratio_grace_bytes=1 << 30))
    reader = BoundedMemberReader(io.BytesIO(bytes(5000)), cap=3000, budget=budget)

    assert len(reader.read(2000)) == 2000
    with pytest.raises(RejectionError) as caught:
        reader.read(2000)
    assert caught.value.code == "zip_bomb"


def test_entry_count_limit_is_checked_before_reading(store: FileStore, make: SimpleNamespace) -> None:
    data = make.zip({f"p{n}.png": make.png(size=(5 + n, 5)) for n in range(6)})

    result = _upload(store, "many.zip", data, Limits(max_zip_entries=5))

    assert result.files == ()
    assert _codes(result) == {"many.zip": "too_many_entries"}


def test_encrypted_corrupt_and_empty_archives(store: FileStore, make: SimpleNamespace) -> None:
    good = make.zip({"a.jpg": make.jpeg()})
    encrypted = bytearray(good)
    encrypted[6] |= 0x1  # general-purpose flag: encrypted, in the local header…
    central = encrypted.rfind(b"PK\x01\x02")
    encrypted[central + 8] |= 0x1  # …and in the central directory
    truncated = good[: len(good) // 2]
    only_junk = make.zip({"__MACOSX/._a.jpg": b"junk", ".hidden.jpg": make.jpeg()})

    results = [
        _upload(store, "locked.zip", bytes(encrypted)),
        _upload(store, "cut.zip", truncated),
        _upload(store, "junk.zip", only_junk),
    ]

    assert [_codes(r) for r in results] == [
        {"locked.zip/a.jpg": "encrypted_archive"},
        {"cut.zip": "corrupt_archive"},
        {"junk.zip": "empty_archive"},
    ]


def test_bad_members_are_refused_individually(store: FileStore, make: SimpleNamespace) -> None:
    scan = make.jpeg((400, 300), "grey", "scan")
    data = make.zip(
        {
            "half.jpg": scan[: len(scan) // 2],
            "photo.heic": b"\x00\x00\x00\x18ftypheic" + bytes(100),
            "same.jpg": scan,
            "copy/same.jpg": scan,
        }
    )

    result = _upload(store, "mixed.zip", data)

    assert [(f.name, f.duplicate_of) for f in result.files] == [
        ("mixed.zip/copy/same.jpg", None),
        ("mixed.zip/same.jpg", "mixed.zip/copy/same.jpg"),
    ]
    assert _codes(result) == {
        "mixed.zip/half.jpg": "truncated_image",
        "mixed.zip/photo.heic": "unsupported_type",
    }
    assert "HEIC" in next(r.reason for r in result.rejected if r.code == "unsupported_type")


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("a/b.jpg", ("a", "b.jpg")),
        ("./a//b.jpg", ("a", "b.jpg")),
        ("a\\b.jpg", ("a", "b.jpg")),
        ("../b.jpg", None),
        ("a/../../b.jpg", None),
        ("/etc/passwd", None),
        ("\\\\server\\share.jpg", None),
        ("D:/x.jpg", None),
        ("a\x00.jpg", None),
    ],
)
def test_safe_parts(name: str, parts: tuple[str, ...] | None) -> None:
    assert safe_parts(name) == parts
