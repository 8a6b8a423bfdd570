#!/usr/bin/env bash
# run.sh — fuzzes the REST API against its own OpenAPI document with schemathesis.
# The server runs, seeded with an all-permissions API key and one of each resource,
# inside a network namespace that has only loopback, so no fuzzed URL (an S3 endpoint,
# an SSO issuer, a webhook) can reach anything. Fails on any server error or contract
# violation. Needs root (ip netns). Usage: run.sh [BULWARK_BINARY] [MAX_EXAMPLES]; more
# schemathesis options in BULWARK_FUZZ_ARGS.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/bulwark-target}
BIN=${1:-$CARGO_TARGET_DIR/debug/bulwark}
EXAMPLES=${2:-${BULWARK_FUZZ_EXAMPLES:-25}}
VENV=$HOME/.cache/bulwark-schemathesis
ST_VERSION=4.32.5

if [ "$("$VENV/bin/st" --version 2>/dev/null | grep -o '[0-9.]*$')" != "$ST_VERSION" ]; then
  if ! python3 -c 'import ensurepip' 2>/dev/null || ! command -v ip >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv iproute2 >/dev/null
  fi
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "schemathesis==$ST_VERSION"
fi

WORK=$(mktemp -d /tmp/bulwark-fuzz.XXXXXX)
NS=bulwark-fuzz-$$
PID=
cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  ip netns del "$NS" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
ip netns add "$NS"
ip netns exec "$NS" ip link set lo up
in_ns() { ip netns exec "$NS" "$@"; }

# Everything the fuzzed adapters may touch on disk stays in the scratch folder.
mkdir -p "$WORK/data" "$WORK/files" "$WORK/tools"
export BULWARK_DATA_DIR=$WORK/data BULWARK_LISTEN=127.0.0.1:3900 \
  BULWARK_FILE_ROOTS=$WORK/files BULWARK_TOOL_DIRS=$WORK/tools RUST_LOG=warn
KEY=$("$BIN" api-key create --name fuzz --permissions '*')
in_ns "$BIN" serve >"$WORK/server.log" 2>&1 &
PID=$!
BASE=http://127.0.0.1:3900
for _ in $(seq 1 100); do
  in_ns curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
in_ns curl -fsS "$BASE/healthz" >/dev/null

# One of each resource, so that fuzzed ids sometimes name something that exists.
call() {
  in_ns curl -fsS -X "$1" "$BASE/api/v1$2" -H "Authorization: Bearer $KEY" \
    -H 'Content-Type: application/json' ${3:+--data "$3"}
}
id_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
mkdir -p "$WORK/files/backups"
: >"$WORK/files/app.db"
src=$(call POST /sources "{\"adapter_id\":\"sqlite\",\"name\":\"app\",\"config\":{\"path\":\"$WORK/files/app.db\"}}" | id_of)
dst=$(call POST /destinations "{\"adapter_id\":\"local\",\"name\":\"disk\",\"config\":{\"path\":\"$WORK/files/backups\"}}" | id_of)
call POST /jobs "{\"name\":\"nightly\",\"source_id\":$src,\"databases\":[\"app\"],\"destinations\":[$dst],\"compression\":\"zstd\",\"cron\":\"0 0 3 * * *\",\"timezone\":\"UTC\",\"enabled\":false}" >/dev/null
call POST /encryption-profiles '{"name":"main"}' >/dev/null
gid=$(call POST /groups '{"name":"Operators","permissions":["jobs:read"]}' | id_of)
call POST /users "{\"email\":\"ops@example.com\",\"name\":\"Ops\",\"password\":\"correct horse battery\",\"group_id\":$gid}" >/dev/null
call POST /notification-channels '{"adapter_id":"webhook","name":"hook","config":{"url":"http://127.0.0.1:9/hook"}}' >/dev/null

status=0
# Run from the scratch folder: schemathesis keeps a cache in its working directory.
in_ns env -C "$WORK" "$VENV/bin/st" --config-file "$PWD/scripts/api-fuzz/schemathesis.toml" run "$BASE/api/v1/openapi.json" \
  --header "Authorization: Bearer $KEY" \
  --checks all \
  --max-examples "$EXAMPLES" \
  --seed 14 \
  --workers 1 \
  --request-timeout 20 \
  --no-color \
  --continue-on-failure \
  --report-dir "$WORK/report" \
  ${BULWARK_FUZZ_ARGS:-} || status=$?
if grep -q "internal error\|ERROR" "$WORK/server.log"; then
  echo "the server logged errors:" >&2
  grep "internal error\|ERROR" "$WORK/server.log" | head -20 >&2
fi
if grep -q "panicked" "$WORK/server.log"; then
  echo "the server panicked:" >&2
  grep -B2 -A8 "panicked" "$WORK/server.log" | head -40 >&2
  status=1
fi
exit $status
