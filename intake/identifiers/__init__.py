"""Identifier, phone, date and numeral algorithms shared by OCR repair and the dossier rules.

This package sits at the bottom of the layers, below both `ocr` and `intake.checks`: the OCR field
extractor (`ocr/fields/values.py`) uses these algorithms to repair and validate what it reads (a USCC's
check character, an ID card's date of birth, a Chinese-numeral date, a phone split from an address), and the
rules in `intake.checks` use the same ones to grade what was extracted. Living in either of those packages
would make the other import upwards, so they live here. Pure functions over strings; they import only the
standard library, third-party libraries (`phonenumbers`, lazily) and each other.

- `codes`: check characters and forms of USCC, organisation code, resident ID and taxpayer numbers.
- `phones`: Chinese phone numbers, their kind and `转` extensions.
- `dates`: certificate dates, validity ranges and what "expired" means.
- `numerals`: the one table of Chinese digits.
"""
