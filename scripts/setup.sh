#!/usr/bin/env bash
# One-time set-up, idempotent: system packages (tesseract + Chinese data, CJK fonts for the test generator),
# then a virtualenv in .venv with the project and its test tools. Called by `make demo` and `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/apt.sh
. scripts/apt.sh

need_apt=()
command -v tesseract >/dev/null 2>&1 || need_apt+=(tesseract-ocr)
[ -e /usr/share/tesseract-ocr/5/tessdata/chi_sim.traineddata ] || [ -e /usr/share/tesseract-ocr/4.00/tessdata/chi_sim.traineddata ] || need_apt+=(tesseract-ocr-chi-sim)
[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || need_apt+=(fonts-noto-cjk)
[ -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || need_apt+=(fonts-wqy-zenhei)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need_apt+=(fonts-wqy-microhei)
# Kai and Ming faces: the second, independent test corpus (tests/corpus2) writes forms by hand and in Song
[ -e /usr/share/fonts/truetype/arphic/ukai.ttc ] || need_apt+=(fonts-arphic-ukai)
[ -e /usr/share/fonts/truetype/arphic/uming.ttc ] || need_apt+=(fonts-arphic-uming)
# the browser tests of the review UI drive Debian's Chromium (`make test` asks for it)
if [ "${DOSSIER_WITH_BROWSER:-0}" = 1 ]; then
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${need_apt[*]}"
  apt_get update
  apt_get install -y --no-install-recommends "${need_apt[@]}"
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum <pyproject.toml | cut -c1-16)
if [ ! -e "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[test]'
  touch "$stamp"
fi
