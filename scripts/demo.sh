#!/usr/bin/env bash
# `make demo`: the main job on the embedded default (no Redis, no PostgreSQL): read and check the sample
# dossier, print what was found, then open the review UI on it (stop with Ctrl-C; DEMO_SERVE=0 skips the UI).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOSSIER_DATA_DIR=${DOSSIER_DATA_DIR:-data}
unset DOSSIER_BROKER_URL DOSSIER_DATABASE_URL
.venv/bin/dossier process samples/sample-dossier --as-of 2025-05-06
if [ "${DEMO_SERVE:-1}" = 1 ]; then
  password=${DEMO_PASSWORD:-dossier-demo-2026}  # the password policy: ≥ 10 characters, not the user name
  # an admin left by an earlier demo is fine; any other refusal is shown, so the password printed is right
  if ! refused=$(printf '%s\n' "$password" | .venv/bin/dossier user add admin --role administrator 2>&1 >/dev/null); then
    case "$refused" in
      *已存在*) echo "demo: 用户 admin 已存在，沿用其原有密码 (admin exists: its earlier password stands)" >&2 ;;
      *) echo "demo: 无法创建用户 admin: $refused" >&2; exit 1 ;;
    esac
  fi
  echo
  echo "审核界面 / review UI: http://127.0.0.1:${DEMO_PORT:-8000}/   用户 admin  密码 $password"
  exec .venv/bin/dossier serve --port "${DEMO_PORT:-8000}"
fi
