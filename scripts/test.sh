#!/usr/bin/env bash
# test.sh — what `make test` runs: installs everything the tests need (idempotent),
# starts the test services on loopback, then runs formatting and lint checks, unit and
# integration tests (SQLite and PostgreSQL) and the browser tests. Stops the services
# on exit, pass or fail.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/bulwark-target}
# Under /tmp: the PostgreSQL server runs as the postgres user, which cannot enter /root.
SERVICES_DIR=${BULWARK_TEST_SERVICES_DIR:-/tmp/bulwark-test-services}
T0=$SECONDS
step() { echo; echo "=== [$((SECONDS - T0))s] $*" >&2; }

step "build tools"
scripts/install-build-deps.sh

step "test services (PostgreSQL, MariaDB, S3, stock tools, Chromium)"
scripts/test-services/stop.sh "$SERVICES_DIR" >/dev/null 2>&1 || true
scripts/test-services/start.sh "$SERVICES_DIR" pg mariadb s3s tools e2e oidc smtp
# Every test's scratch files go under one folder, removed at the end whatever happens.
TEST_TMP=$(mktemp -d /tmp/bulwark-test-tmp.XXXXXX)
trap 'scripts/test-services/stop.sh "$SERVICES_DIR"; rm -rf "$TEST_TMP"' EXIT
# shellcheck disable=SC1091
source "$SERVICES_DIR/services.env"
# A test that needs a service fails (rather than skips) when it is missing.
export BULWARK_REQUIRE_SERVICES=1
export TMPDIR=$TEST_TMP
# Each PostgreSQL test makes a database of its own; drop those of earlier runs.
psql "$TEST_PG_URL" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'bulwark\_%'" |
  while read -r db; do psql "$TEST_PG_URL" -qc "DROP DATABASE IF EXISTS \"$db\""; done

step "cargo fmt --check"
cargo fmt --all --check

step "clippy (server, tests)"
cargo clippy --workspace --all-targets -- -D warnings

step "clippy (browser build)"
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

step "unit and integration tests"
# Four at a time on two cores: many tests wait on PostgreSQL, child processes or timers.
cargo test --workspace -- --test-threads=4

step "site and server binary"
scripts/build-site.sh dev
cargo build -p app --bin bulwark

step "API fuzzing (schemathesis over every operation, loopback-only network namespace)"
scripts/api-fuzz/run.sh "$CARGO_TARGET_DIR/debug/bulwark" 25

step "browser tests"
(cd e2e && npm ci --no-audit --no-fund --loglevel=error &&
  BULWARK_BIN="$CARGO_TARGET_DIR/debug/bulwark" npm test)

step "all tests passed in $((SECONDS - T0))s"
