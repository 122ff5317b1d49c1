"""Ingesting files and folders: good files are stored and counted, bad ones refused with clear codes."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

from intake.files import IngestResult, Limits, ingest, ingest_upload, ingest_uploads
from storage.filestore import FileStore


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _codes(result: IngestResult) -> dict[str, str]:
    return {r.file: r.code for r in result.rejected}


def _names(result: IngestResult) -> list[str]:
    return [f.name for f in result.files]


def test_good_files_are_stored_with_kind_and_page_count(
    tmp_path: Path, store: FileStore, make: SimpleNamespace
) -> None:
    paths = [
        _write(tmp_path, "IMG_20250503_092688.JPG", make.jpeg()),
        _write(tmp_path, "营业执照.jpg", make.png()),  # a PNG named .jpg is a PNG
        _write(tmp_path, "form.pdf", make.pdf(pages=3)),
        _write(tmp_path, "seal_card.tif", make.g4_tiff(pages=2)),
        _write(tmp_path, "permit.bmp", make.bmp()),
    ]

    result = ingest(paths, store)

    assert result.rejected == ()
    got = {f.name: (f.kind, f.page_count) for f in result.files}
    assert got == {
        "IMG_20250503_092688.JPG": ("jpeg", 1),
        "营业执照.jpg": ("png", 1),
        "form.pdf": ("pdf", 3),
        "seal_card.tif": ("tiff", 2),
        "permit.bmp": ("bmp", 1),
    }
    for f in result.files:
        assert f.stored_path == store.path(f.sha256)
        assert store.verify(f.sha256)
        assert f.size == f.stored_path.stat().st_size
    assert result.pages_to_read == 8


def test_bad_files_are_refused_by_name_and_the_rest_goes_on(
    tmp_path: Path, store: FileStore, make: SimpleNamespace
) -> None:
    good = make.jpeg(text="good")
    paths = [
        _write(tmp_path, "empty.jpg", b""),
        _write(tmp_path, "truncated.jpg", (full := make.jpeg((600, 400), "grey", "half"))[: len(full) // 2]),
        _write(tmp_path, "notes.pdf", b"just some text pretending to be a PDF"),
        _write(tmp_path, "locked.pdf", make.encrypted_pdf()),
        _write(tmp_path, "huge.png", make.png_header_only(100_000, 100_000)),
        _write(tmp_path, "good.jpg", good),
        tmp_path / "missing.pdf",
    ]

    result = ingest(paths, store)

    assert _names(result) == ["good.jpg"]
    assert _codes(result) == {
        "empty.jpg": "empty_file",
        "truncated.jpg": "truncated_image",
        "notes.pdf": "unsupported_type",
        "locked.pdf": "encrypted_pdf",
        "huge.png": "image_too_large",
        "missing.pdf": "not_found",
    }
    for rejected in result.rejected:
        assert rejected.reason.startswith(f"「{rejected.file}」：")
    assert "加密" in next(r.reason for r in result.rejected if r.code == "encrypted_pdf")
    # Nothing refused is kept in the store; the good file is.
    assert list(store.shas()) == [result.files[0].sha256]


def test_pdf_with_only_an_owner_password_is_accepted(
    tmp_path: Path, store: FileStore, make: SimpleNamespace
) -> None:
    result = ingest([_write(tmp_path, "restricted.pdf", make.encrypted_pdf(user_password=""))], store)

    assert result.rejected == ()
    assert result.files[0].page_count == 1


def test_pixel_and_page_limits(tmp_path: Path, store: FileStore, make: SimpleNamespace) -> None:
    limits = Limits(max_pixels=500_000, max_pages_per_file=4)
    paths = [
        _write(tmp_path, "big_photo.jpg", make.jpeg((1000, 600))),
        _write(tmp_path, "long.pdf", make.pdf(pages=5)),
        _write(tmp_path, "long.tif", make.g4_tiff(pages=5, size=(200, 300))),
        _write(tmp_path, "ok.pdf", make.pdf(pages=4, size=(500, 700))),
    ]

    result = ingest(paths, store, limits)

    assert _names(result) == ["ok.pdf"]
    assert _codes(result) == {
        "big_photo.jpg": "image_too_large",
        "long.pdf": "too_many_pages",
        "long.tif": "too_many_pages",
    }


def test_total_page_budget_refuses_the_file_that_overflows(
    tmp_path: Path, store: FileStore, make: SimpleNamespace
) -> None:
    paths = [
        _write(tmp_path, "a.pdf", make.pdf(pages=3)),
        _write(tmp_path, "b.pdf", make.pdf(pages=3, size=(600, 800))),
        _write(tmp_path, "c.jpg", make.jpeg()),
    ]

    result = ingest(paths, store, Limits(max_pages_total=4))

    assert _names(result) == ["a.pdf", "c.jpg"]
    assert _codes(result) == {"b.pdf": "too_many_pages_total"}


def test_absurd_pdf_page_size_is_refused(tmp_path: Path, store: FileStore, make: SimpleNamespace) -> None:
    paths = [
        _write(tmp_path, "sliver.pdf", make.pdf(size=(2, 800))),
        _write(tmp_path, "banner.pdf", make.pdf(size=(20_000, 100))),
    ]

    result = ingest(paths, store)

    assert _codes(result) == {"sliver.pdf": "page_size_invalid", "banner.pdf": "page_size_invalid"}


def test_byte_limits_per_file_and_per_call(tmp_path: Path, store: FileStore, make: SimpleNamespace) -> None:
    small, other = make.jpeg((64, 64)), make.jpeg((80, 80))
    big = make.jpeg((600, 600), "grey", "big")
    limits = Limits(max_file_bytes=len(big) - 1, max_total_bytes=len(small) + len(other) // 2)
    paths = [
        _write(tmp_path, "big.jpg", big),
        _write(tmp_path, "small.jpg", small),
        _write(tmp_path, "other.jpg", other),
    ]

    result = ingest(paths, store, limits)

    assert _names(result) == ["small.jpg"]
    assert _codes(result) == {"big.jpg": "file_too_large", "other.jpg": "total_too_large"}


def test_duplicates_are_listed_once_stored_once(
    tmp_path: Path, store: FileStore, make: SimpleNamespace
) -> None:
    scan = make.pdf(pages=2)
    paths = [_write(tmp_path, "contract.pdf", scan), _write(tmp_path / "again", "contract.pdf", scan)]

    result = ingest(paths, store)

    first, second = result.files
    assert (first.name, first.duplicate_of) == ("contract.pdf", None)
    assert (second.name, second.duplicate_of) == ("contract (2).pdf", "contract.pdf")
    assert second.page_count == 2 and second.sha256 == first.sha256
    assert result.pages_to_read == 2
    assert list(store.shas()) == [first.sha256]


def test_duplicate_of_a_refused_file_is_refused_the_same_way(
    tmp_path: Path, store: FileStore, make: SimpleNamespace
) -> None:
    locked = make.encrypted_pdf()
    paths = [_write(tmp_path, "a.pdf", locked), _write(tmp_path, "b.pdf", locked)]

    result = ingest(paths, store)

    assert _codes(result) == {"a.pdf": "encrypted_pdf", "b.pdf": "encrypted_pdf"}
    assert "a.pdf" in result.rejected[1].reason


def test_folders_are_walked_in_natural_order_skipping_hidden_and_outside_links(
    tmp_path: Path, store: FileStore, make: SimpleNamespace
) -> None:
    dossier = tmp_path / "C20240315001"
    _write(dossier, "scan10.jpg", make.jpeg(text="10"))
    _write(dossier, "scan2.jpg", make.jpeg(text="2"))
    _write(dossier, "合同/page1.pdf", make.pdf())
    _write(dossier, ".DS_Store", b"\x00\x00\x00\x01Bud1")
    _write(dossier, ".hidden/secret.jpg", make.jpeg(text="hidden"))
    _write(dossier, "Thumbs.db", b"\xd0\xcf\x11\xe0")
    secret = _write(tmp_path / "elsewhere", "id_card.jpg", make.jpeg(text="outside"))
    (dossier / "link_out.jpg").symlink_to(secret)
    (dossier / "link_in.jpg").symlink_to(dossier / "scan2.jpg")
    (dossier / "dir_out").symlink_to(tmp_path / "elsewhere", target_is_directory=True)

    result = ingest([dossier], store)

    assert _names(result) == ["link_in.jpg", "scan2.jpg", "scan10.jpg", "合同/page1.pdf"]
    assert result.files[1].duplicate_of == "link_in.jpg"
    assert _codes(result) == {"link_out.jpg": "unsafe_path", "dir_out": "unsafe_path"}


def test_a_fifo_is_refused_without_blocking(tmp_path: Path, store: FileStore, make: SimpleNamespace) -> None:
    folder = tmp_path / "in"
    _write(folder, "a.jpg", make.jpeg())
    import os

    os.mkfifo(folder / "pipe.jpg")

    result = ingest([folder], store)

    assert _names(result) == ["a.jpg"]
    assert _codes(result) == {"pipe.jpg": "unsupported_type"}


def test_too_many_files_are_reported_once(tmp_path: Path, store: FileStore, make: SimpleNamespace) -> None:
    folder = tmp_path / "in"
    for number in range(5):
        _write(folder, f"p{number}.png", make.png(size=(10 + number, 10)))

    result = ingest([folder], store, Limits(max_files=3))

    assert _names(result) == ["p0.png", "p1.png", "p2.png"]
    assert [(r.file, r.code) for r in result.rejected] == [("p3.png", "too_many_files")]
    assert "2 个文件未处理" in result.rejected[0].reason


def test_web_upload_streams_and_strips_client_paths(store: FileStore, make: SimpleNamespace) -> None:
    result = ingest_upload("C:\\fakepath\\开户许可证.jpg", io.BytesIO(make.jpeg()), store)

    assert _names(result) == ["开户许可证.jpg"]
    assert result.files[0].kind == "jpeg"


def test_several_uploads_share_limits_and_duplicates(store: FileStore, make: SimpleNamespace) -> None:
    scan = make.png()
    result = ingest_uploads(
        [("a.png", io.BytesIO(scan)), ("b.png", io.BytesIO(scan)), ("x.docx", io.BytesIO(b"not a scan"))],
        store,
    )

    assert [(f.name, f.duplicate_of) for f in result.files] == [("a.png", None), ("b.png", "a.png")]
    assert _codes(result) == {"x.docx": "unsupported_type"}


def test_pdf_with_an_oversized_embedded_image_is_refused_before_rendering(
    tmp_path: Path, store: FileStore
) -> None:
    from PIL import Image

    # A small page (3000 px at 600 dpi = 360 pt) holding a 9 MP image.
    buf = io.BytesIO()
    Image.new("L", (3000, 3000), 255).save(buf, format="PDF", resolution=600)
    path = _write(tmp_path, "dense.pdf", buf.getvalue())

    result = ingest([path], store, Limits(max_pixels=5_000_000))

    assert _codes(result) == {"dense.pdf": "image_too_large"}
    assert "3000×3000" in result.rejected[0].reason


def test_store_inside_the_walked_folder_is_not_ingested(tmp_path: Path, make: SimpleNamespace) -> None:
    store = FileStore(tmp_path / "data")
    store.put_bytes(make.jpeg(text="stored earlier"), ext="jpg")
    _write(tmp_path, "permit.jpg", make.jpeg(text="new"))

    result = ingest([tmp_path], store)

    assert _names(result) == ["permit.jpg"]
    assert result.rejected == ()


def test_reasons_do_not_leak_internal_paths(store: FileStore) -> None:
    result = ingest_upload("junk.jpg", io.BytesIO(b"\xff\xd8\xff\xe0" + bytes(1000)), store)

    (rejected,) = result.rejected
    assert rejected.code == "corrupt_image"
    assert str(store.root) not in rejected.reason and "spool" not in rejected.reason
