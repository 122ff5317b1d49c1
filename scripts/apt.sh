#!/usr/bin/env bash
# Sourced by scripts/setup.sh, scripts/services.sh and .ci/run: one way to call apt-get. It waits for a lock
# held by another apt-get or dpkg (DPkg::Lock::Timeout covers the dpkg lock; the lists and archives locks of
# `apt-get update` are retried here for up to ten minutes too) instead of failing the first `make test`.

apt_get() {
  local sudo="" out tries=0
  [ "$(id -u)" = 0 ] || sudo="sudo"
  while :; do
    if out=$($sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -qq "$@" 2>&1); then
      return 0
    fi
    case "$out" in
      *"Could not get lock"* | *"Unable to acquire"* | *"Unable to lock"*) ;;
      *)
        printf '%s\n' "$out" >&2
        return 1
        ;;
    esac
    tries=$((tries + 1))
    if [ "$tries" -ge 60 ]; then
      printf 'apt-get: 等待软件包锁超过十分钟 (lock still held after 10 minutes)\n%s\n' "$out" >&2
      return 1
    fi
    echo "apt-get: 软件包锁被其他进程占用，${APT_RETRY_SECONDS:-10} 秒后重试 (another apt holds the lock)" >&2
    sleep "${APT_RETRY_SECONDS:-10}"
  done
}
