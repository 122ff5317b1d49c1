#!/usr/bin/env bash
# `make demo`: the main job on the embedded default (no Redis, no PostgreSQL): read and check the sample
# dossier, print what was found, then open the review UI on it (stop with Ctrl-C; DEMO_SERVE=0 skips the UI).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOSSIER_DATA_DIR=${DOSSIER_DATA_DIR:-data}
unset DOSSIER_BROKER_URL DOSSIER_DATABASE_URL
.venv/bin/dossier process samples/sample-dossier --as-of 2025-05-06
if [ "${DEMO_SERVE:-1}" = 1 ]; then
  password=${DEMO_PASSWORD:-demo-admin}
  printf '%s\n' "$password" | .venv/bin/dossier user add admin --role administrator >/dev/null 2>&1 || true
  echo
  echo "审核界面 / review UI: http://127.0.0.1:${DEMO_PORT:-8000}/   用户 admin  密码 $password"
  exec .venv/bin/dossier serve --port "${DEMO_PORT:-8000}"
fi
