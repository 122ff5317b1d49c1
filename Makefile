# The two set-up commands of the README: `make demo` (run the main job on the bundled sample dossier, embedded
# mode: no Redis, no PostgreSQL) and `make test` (the whole test suite). Both set up what they need first.
.PHONY: setup demo test test-fast lint sample bench

# The PostgreSQL role and database scripts/services.sh creates (a password login: no trust authentication)
export DOSSIER_TEST_PG_URL ?= postgresql+psycopg://dossier_test:dossier_test@127.0.0.1:5432/dossier_test

setup:
	@bash scripts/setup.sh

demo: setup samples/sample-dossier
	bash scripts/demo.sh

# Everything: OCR, the browser and the real servers. DOSSIER_REQUIRE_SERVICES=1 makes a production-path test
# that cannot reach PostgreSQL or Redis fail with the reason instead of skipping (tests/conftest.py).
test:
	DOSSIER_WITH_BROWSER=1 bash scripts/setup.sh
	bash scripts/lint.sh
	bash scripts/services.sh
	DOSSIER_REQUIRE_SERVICES=1 .venv/bin/python -m pytest

# For development: no OCR engine, no browser, no servers (a few minutes instead of a quarter of an hour)
test-fast: setup
	.venv/bin/python -m pytest -m "not ocr and not browser and not services"

# ruff, the import layers (import-linter) and mypy on the domain; `make test` runs it first
lint: setup
	bash scripts/lint.sh

# The sample dossier is drawn by the synthetic generator (fixed seed: always the same scans); its ground
# truth goes beside it, not inside, so that the demo reads only the scans.
samples/sample-dossier:
	.venv/bin/python -m tests.synth sample --out samples/sample-dossier
	mv samples/sample-dossier/truth.json samples/sample-truth.json

sample: setup
	rm -rf samples/sample-dossier && $(MAKE) samples/sample-dossier

bench: setup
	.venv/bin/python tests/bench/accuracy.py --dossiers 40
