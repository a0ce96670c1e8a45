#!/usr/bin/env bash
# The main job on this machine, without Docker: build the bundle if needed, start the nine demo
# services natively with the Pyroscope agent, run the gate (or `--mode baseline`) through the CLI
# with the built-in load, stop the services. Extra arguments go to the CLI (every action input is a
# flag). Needs a Pyroscope server at $PYROSCOPE_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
url=${PYROSCOPE_URL:-http://127.0.0.1:4040}
if ! curl -fsS -m 5 "$url/ready" >/dev/null 2>&1; then
  echo "no Pyroscope is ready at $url: start one (docker compose -f stack/docker-compose.yml up -d pyroscope) or set PYROSCOPE_URL" >&2
  exit 2
fi
[ -f dist/cli/index.js ] || npm run -s package
trap 'stack/native.sh stop >/dev/null 2>&1 || true' EXIT
PYROSCOPE_URL=$url stack/native.sh start
node dist/cli/index.js --stack external --pyroscope-url "$url" "$@"
