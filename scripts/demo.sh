#!/usr/bin/env bash
# The demo: three local MariaDB servers (semi-sync GTID replication) with a keel agent beside each
# and a small writer, then keel's console, where K kills the primary's mysqld and R restarts it.
# Installs what it needs first (bun via npm, mariadb-server via apt-get) and builds keel if needed.
# Without a terminal it tells the same story as text (keel demo --headless --failover).
# Everything stops when the demo exits; extra arguments go to `keel demo` (e.g. --keep, --base-port).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh

case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "keel: the demo runs on Linux x64 or arm64, not $(uname -m)" >&2; exit 1 ;;
esac
# Its own output dir: a demo build must not rewrite the release set in dist/ (SHA256SUMS).
OUT=dist/demo
KEEL=$OUT/keel-linux-$arch
newest_source=$(find src build build.ts package-lock.json -newer "$KEEL" -print -quit 2>/dev/null || echo missing)
if [ ! -x "$KEEL" ] || [ -n "$newest_source" ]; then
  echo "building keel ($KEEL)" >&2
  node_modules/.bin/bun build.ts --target "$arch" --out "$OUT" >&2
fi

if [ -t 0 ] && [ -t 1 ]; then
  exec "$KEEL" demo "$@"
else
  exec "$KEEL" demo --headless --failover "$@"
fi
