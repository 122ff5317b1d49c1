#!/usr/bin/env bash
# `make demo`: the main job on the embedded default (no Redis, no PostgreSQL): read and check the sample
# dossier, print what was found, then open the review UI on it (stop with Ctrl-C; DEMO_SERVE=0 skips the UI).
#
# - The sample's application form prints a pickup date of its own (it was drawn in 2025). The demo reads it
#   as of today with a pickup date two weeks ahead, so the UI shows a deadline a week away, as a clerk would
#   see a dossier arriving today — not one a year and a half overdue.
# - Run twice, it makes one dossier: the sample's content hash is kept beside the data (demo-sample in the
#   data dir) and an unchanged sample is not read again (it says so). Delete the data dir to start over.
# - Any failed step stops the demo with a message; the password printed is the one the admin really has.
set -euo pipefail
trap 'echo "demo: 第 $LINENO 行的步骤失败（退出码 $?），演示已停止 (demo step failed, see above)" >&2' ERR
cd "$(dirname "$0")/.."
export DOSSIER_DATA_DIR=${DOSSIER_DATA_DIR:-data}
unset DOSSIER_BROKER_URL DOSSIER_DATABASE_URL
port=${DEMO_PORT:-8000}
sample=${DEMO_SAMPLE:-samples/sample-dossier} # another folder: tests/test_demo.py
if [ ! -d "$sample" ]; then
  echo "demo: 没有样例档案 $sample（make demo 会先生成它）" >&2
  exit 1
fi

digest=$(cd "$sample" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-64)
marker=$DOSSIER_DATA_DIR/demo-sample
dossier=""
if [ -f "$marker" ] && [ "$(cut -d' ' -f1 "$marker")" = "$digest" ]; then
  dossier=$(cut -d' ' -f2 "$marker")
  echo "demo: 样例档案已读取过（档案 $dossier，内容哈希 ${digest:0:12}… 相同），不再重复建档；要重新读取，请删除数据目录 $DOSSIER_DATA_DIR"
else
  pickup=$(date -d "+14 days" +%F)
  mkdir -p "$DOSSIER_DATA_DIR"
  summary=$(mktemp)
  trap 'rm -f "$summary"' EXIT
  .venv/bin/dossier process "$sample" --pickup-date "$pickup" | tee "$summary"
  dossier=$(sed -n 's/^档案 \([0-9a-zA-Z-]*\)$/\1/p' "$summary" | head -1)
  if [ -z "$dossier" ]; then
    echo "demo: 摘要中没有档案编号，无法记录样例已读取" >&2
    exit 1
  fi
  echo "$digest $dossier $pickup" >"$marker"
fi

if [ "${DEMO_SERVE:-1}" = 1 ]; then
  password=${DEMO_PASSWORD:-dossier-demo-2026} # the password policy: ≥ 10 characters, not the user name
  if ! refused=$(printf '%s\n' "$password" | .venv/bin/dossier user add admin --role administrator 2>&1 >/dev/null); then
    case "$refused" in
      *已存在*) # left by an earlier demo: give it the demo password, so that the one printed below is right
        printf '%s\n' "$password" | .venv/bin/dossier user password admin >/dev/null
        echo "demo: 用户 admin 已存在，其密码已重设为演示密码" ;;
      *)
        echo "demo: 无法创建用户 admin：$refused" >&2
        exit 1
        ;;
    esac
  fi
  echo
  echo "审核界面：http://127.0.0.1:$port/   用户 admin   密码 $password"
  echo "样例档案：http://127.0.0.1:$port/dossiers/$dossier"
  exec .venv/bin/dossier serve --port "$port"
fi
