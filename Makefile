# The two set-up commands of the README: `make demo` (run the main job on the bundled sample dossier, embedded
# mode: no Redis, no PostgreSQL) and `make test` (the whole test suite). Both set up what they need first.
.PHONY: setup demo test lint sample bench

setup:
	@bash scripts/setup.sh

demo: setup
	DOSSIER_DATA_DIR=$${DOSSIER_DATA_DIR:-data} .venv/bin/dossier process samples/sample-dossier --as-of 2026-11-20

test: setup
	bash scripts/services.sh
	.venv/bin/python -m pytest

lint: setup
	.venv/bin/ruff check intake ocr storage workers review_ui tests

sample: setup
	rm -rf samples/sample-dossier && .venv/bin/python -m tests.synth sample --out samples/sample-dossier

bench: setup
	.venv/bin/python tests/bench/accuracy.py --dossiers 40
