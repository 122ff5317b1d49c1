#!/usr/bin/env bash
# The static checks `make test` runs before the suite: style (ruff), layers that import only downward
# (import-linter, the contract in pyproject.toml), the domain's types (mypy, the files in pyproject.toml) and
# the shell scripts (shellcheck, installed by .ci/run; skipped with a note where it is not installed).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check intake ocr storage workers review_ui tests
.venv/bin/ruff format --check --quiet intake ocr storage workers review_ui tests
.venv/bin/lint-imports --no-cache
.venv/bin/mypy
if command -v shellcheck >/dev/null 2>&1; then
  shellcheck -x scripts/*.sh .ci/run
else
  echo "lint: shellcheck is not installed; the shell scripts were not checked" >&2
fi
