# The two set-up commands of the README: `make demo` (run the main job on the bundled sample dossier, embedded
# mode: no Redis, no PostgreSQL) and `make test` (the whole test suite). Both set up what they need first.
.PHONY: setup demo test lint sample bench

setup:
	@bash scripts/setup.sh

demo: setup samples/sample-dossier
	bash scripts/demo.sh

test:
	DOSSIER_WITH_BROWSER=1 bash scripts/setup.sh
	bash scripts/lint.sh
	bash scripts/services.sh
	.venv/bin/python -m pytest

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
