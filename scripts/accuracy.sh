#!/usr/bin/env bash
# Measures the gate's verdicts on the real stack (docs/accuracy.md): A/A runs against a baseline of
# the same code, A/B (baseline OPTIMIZED=true, current OPTIMIZED=false) and the reverse.
# Needs a Pyroscope server at $PYROSCOPE_URL. Set PYROSCOPE_RESTART to a command that restarts it
# empty, to make every gate run start from a fresh server as in CI (the baseline's stored profiles are
# then uploaded and diffed server-side); without it the baseline window is reused from the server.
# usage: scripts/accuracy.sh OUT_DIR [AA_RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:?usage: scripts/accuracy.sh OUT_DIR [AA_RUNS]}")
runs=${2:-5}
url=${PYROSCOPE_URL:-http://127.0.0.1:4040}
mkdir -p "$out"
[ -f dist/cli/index.js ] || npm run -s package

fresh_server() { if [ -n "${PYROSCOPE_RESTART:-}" ]; then bash -c "$PYROSCOPE_RESTART" >/dev/null; fi; }
fresh_stack() { stack/native.sh stop >/dev/null 2>&1 || true; OPTIMIZED=$1 stack/native.sh start >/dev/null; }
gate() { # name mode baseline-dir optimized
  fresh_stack "$4"
  local rc=0
  node dist/cli/index.js --mode "$2" --pyroscope-url "$url" --baseline-path "$3/profiles.json" \
    --output-dir "$out/$1" --diff-graphs all >"$out/$1.log" 2>&1 || rc=$?
  echo "$1: exit $rc"
}
trap 'stack/native.sh stop >/dev/null 2>&1 || true' EXIT

fresh_server; gate base-default baseline "$out/baseline-default" false
for i in $(seq 1 "$runs"); do fresh_server; gate "aa$i" gate "$out/baseline-default" false; done
fresh_server; gate base-optimized baseline "$out/baseline-optimized" true
fresh_server; gate ab gate "$out/baseline-optimized" false
fresh_server; gate ba gate "$out/baseline-default" true
node scripts/accuracy-summary.mjs "$out"
