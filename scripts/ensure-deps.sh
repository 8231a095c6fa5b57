#!/usr/bin/env bash
# Installs what keel's tests and demo need on a fresh Debian 12 machine (node and npm only, root):
# npm dependencies (bun comes from npm) and Debian's mariadb-server, tmux, iproute2, nftables.
# Idempotent and quiet when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || need_apt+=(mariadb-server mariadb-client)
command -v tmux >/dev/null 2>&1 || need_apt+=(tmux)
command -v ip >/dev/null 2>&1 || need_apt+=(iproute2)
command -v nft >/dev/null 2>&1 || need_apt+=(nftables)
command -v iptables >/dev/null 2>&1 || need_apt+=(iptables)
command -v dash >/dev/null 2>&1 || need_apt+=(dash)
command -v shellcheck >/dev/null 2>&1 || need_apt+=(shellcheck)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "keel: missing Debian packages: ${need_apt[*]}; fix: run 'sudo apt-get install -y ${need_apt[*]}' or rerun as root" >&2
    exit 1
  fi
  echo "installing Debian packages: ${need_apt[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
# Debian's package starts a system mariadb on 3306; keel's sandboxes don't need it.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet mariadb 2>/dev/null; then
  systemctl stop mariadb >/dev/null 2>&1 || true
fi

if [ ! -x node_modules/.bin/bun ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing npm dependencies (bun, mysql2, blessed, yargs, msgpackr)" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
node_modules/.bin/bun --version >/dev/null
