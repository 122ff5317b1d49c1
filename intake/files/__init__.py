"""File intake: uploaded files, folders and ZIPs → stored originals + pages to read + refusals with reasons.

Uploads are hostile until proven otherwise: every file is identified by content, decoded once within explicit
limits (bytes, pixels, pages, archive depth/entries/ratio) and stored by sha256 before the pipeline sees it.
This package never reads text from pages; it only says which pages exist and draws them.
"""

from intake.files.ingest import ingest, ingest_upload, ingest_uploads
from intake.files.kinds import sniff
from intake.files.model import (
    IngestedFile,
    IngestResult,
    Limits,
    RejectCode,
    RejectedFile,
    RejectionError,
    StoredArchive,
)
from intake.files.pages import page_image, pdf_render_scale

__all__ = [
    "IngestResult",
    "IngestedFile",
    "Limits",
    "RejectCode",
    "RejectedFile",
    "RejectionError",
    "StoredArchive",
    "ingest",
    "ingest_upload",
    "ingest_uploads",
    "page_image",
    "pdf_render_scale",
    "sniff",
]
