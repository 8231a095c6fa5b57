#!/usr/bin/env bash
# keel's one test command: installs what it needs, typechecks, lints, then runs every test
# (unit, simulation, real-MariaDB integration, compiled-binary end to end).
# Ends with the line "N passed, N failed" and bun's exit code. Extra args go to `bun test`.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh || exit 1
BUN=node_modules/.bin/bun
export PATH="$PWD/node_modules/.bin:$PATH"
# Same msgpackr code path as the compiled binary (pure JS), so tests measure what ships.
export MSGPACKR_NATIVE_ACCELERATION_DISABLED=true

status=0
echo "== typecheck" >&2
node_modules/.bin/tsc --noEmit -p . || status=1
echo "== lint" >&2
node_modules/.bin/biome check src test bench build build.ts scripts >&2 || status=1
echo "== build" >&2
$BUN build.ts >&2 || status=1

log=$(mktemp)
echo "== bun test" >&2
$BUN test --timeout=120000 "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
pass=$(grep -Eo '^ *[0-9]+ pass$' "$log" | tail -1 | tr -dc 0-9)
fail=$(grep -Eo '^ *[0-9]+ fail$' "$log" | tail -1 | tr -dc 0-9)
rm -f "$log"
if [ "$status" -ne 0 ]; then
  echo "typecheck, lint or build failed (see above)" >&2
  fail=$(( ${fail:-0} + 1 ))
  [ "$rc" -eq 0 ] && rc=1
fi
echo "${pass:-0} passed, ${fail:-0} failed"
exit "$rc"
