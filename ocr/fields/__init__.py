"""Field extraction: find each field of a page's document type by its label, wherever the layout puts it."""

from ocr.fields.extract import extract_fields

__all__ = ["extract_fields"]
