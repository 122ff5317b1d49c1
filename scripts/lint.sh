#!/usr/bin/env bash
# The static checks `make test` runs before the suite: style (ruff), layers that import only downward
# (import-linter, the contract in pyproject.toml) and the domain's types (mypy, the files in pyproject.toml).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check intake ocr storage workers review_ui tests
.venv/bin/ruff format --check --quiet intake ocr storage workers review_ui tests
.venv/bin/lint-imports --no-cache
.venv/bin/mypy
