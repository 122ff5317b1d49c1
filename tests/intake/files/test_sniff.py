"""Kinds are recognised from content, never from names."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from intake.files import sniff
from intake.files.kinds import describe


def test_each_accepted_kind_is_recognised(make: SimpleNamespace) -> None:
    assert sniff(make.jpeg()) == "jpeg"
    assert sniff(make.png()) == "png"
    assert sniff(make.bmp()) == "bmp"
    assert sniff(make.pdf()) == "pdf"
    assert sniff(make.g4_tiff(pages=1)) == "tiff"
    assert sniff(make.zip({"a.jpg": make.jpeg()})) == "zip"


def test_big_endian_tiff_and_pdf_after_leading_junk() -> None:
    assert sniff(b"MM\x00*\x00\x00\x00\x08") == "tiff"
    assert sniff(b"\r\n\x00garbage from a mail gateway\n%PDF-1.7\n") == "pdf"


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"hello world",
        b"BM this is a text file, not a bitmap",
        b"GIF89a\x01\x00",
        b"Rar!\x1a\x07\x01\x00",
        b"\x00\x00\x00\x18ftypheic\x00\x00",
        b"RIFF\x00\x00\x00\x00WEBPVP8 ",
    ],
)
def test_unaccepted_content_is_none(head: bytes) -> None:
    assert sniff(head) is None


def test_office_documents_are_not_taken_for_zip_archives(make: SimpleNamespace) -> None:
    docx = make.zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    assert sniff(docx) is None
    assert "Office" in describe(docx)


def test_refused_kinds_are_named_with_advice() -> None:
    assert "HEIC" in describe(b"\x00\x00\x00\x18ftypheic\x00\x00")
    assert "ZIP" in describe(b"Rar!\x1a\x07\x00")
    assert describe(b"plain text") == "无法识别的文件格式"
