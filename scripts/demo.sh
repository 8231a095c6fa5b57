#!/usr/bin/env bash
# The demo: a local MariaDB topology (one primary, two GTID replicas on 127.0.0.1) that you can poke.
# Installs what it needs (bun via npm, mariadb-server via apt-get), brings the sandbox up, shows it,
# and tears everything down when you press Enter or Ctrl-C. Pass --keep to leave it running.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
KEEL=(node_modules/.bin/bun src/main.ts)
DIR=${KEEL_DEMO_DIR:-$PWD/keel-sandbox}
PORT=${KEEL_DEMO_PORT:-23306}
keep=0
[ "${1:-}" = "--keep" ] && keep=1

"${KEEL[@]}" sandbox up --instances 3 --base-port "$PORT" --dir "$DIR"
cleanup() { "${KEEL[@]}" sandbox down --dir "$DIR" >/dev/null 2>&1 || true; }
[ "$keep" -eq 1 ] || trap cleanup EXIT INT TERM
echo
"${KEEL[@]}" sandbox status --dir "$DIR"
echo
"${KEEL[@]}" probe --host 127.0.0.1 --port "$PORT" --user keel --password-file <(printf keel)
if [ "$keep" -eq 1 ]; then
  echo; echo "left running; stop it with: node_modules/.bin/bun src/main.ts sandbox down --dir $DIR"
elif [ -t 0 ]; then
  echo; echo "try: node_modules/.bin/bun src/main.ts sandbox kill --dir $DIR --port $PORT  (in another terminal)"
  read -r -p "press Enter to tear the sandbox down " _
fi
