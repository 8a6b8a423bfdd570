#!/usr/bin/env bash
# backup.sh — `make bench`: throughput and peak memory of `bulwark backup` (zstd level 3 +
# age → local directory) against the shell pipe `pg_dump | zstd -3 | age -r …` on the same
# PostgreSQL databases, in the same run, at two sizes. Prints the figures and a summary;
# writes them to $BENCH_DIR/results.json.
#   BENCH_SIZES_MB  dump sizes to generate (default "200 2000")
#   BENCH_DIR       work folder (default /tmp/bulwark-bench; databases are kept for reruns)
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/bulwark-target}
SIZES=${BENCH_SIZES_MB:-"200 2000"}
DIR=${BENCH_DIR:-/tmp/bulwark-bench}
mkdir -p "$DIR/out"
log() { echo "[bench] $*" >&2; }

PG_PORT=${BENCH_PG_PORT:-55440} scripts/test-services/start.sh "$DIR/svc" pg tools >&2
# shellcheck disable=SC1091
source "$DIR/svc/services.env"
BASE=${TEST_PG_URL%/*}

log "building the release binary"
cargo build -q --release -p app --bin bulwark
BIN=$CARGO_TARGET_DIR/release/bulwark
rm -f "$DIR/key.txt"
"$BIN" keygen -o "$DIR/key.txt" 2>/dev/null
PUB=$(sed -n 's/^# public key: //p' "$DIR/key.txt")

results=()
for mb in $SIZES; do
  db=bench_${mb}mb
  if [ "$(psql -Atq "$TEST_PG_URL" -c "select count(*) from pg_database where datname = '$db'")" = 0 ]; then
    # ~300 bytes of dump per row: an id, two md5s and a longer text that compresses ~3x.
    rows=$((mb * 1024 * 1024 / 300))
    log "generating $db ($rows rows)"
    psql -q "$TEST_PG_URL" -c "create database $db"
    psql -q "$BASE/$db" -c "create table t (id bigint primary key, a text, b text, c text)"
    psql -q "$BASE/$db" -c "insert into t select i, md5(i::text), md5((i * 7)::text),
        repeat(md5((i % 1000)::text) || ' ', 7) from generate_series(1, $rows) i"
  fi
  rm -rf "$DIR/out"/*
  # Same dump tool and format as Bulwark's PostgreSQL source (custom format, no pg_dump
  # compression), so the comparison is the pipeline alone.
  pipe=$(scripts/bench/measure.py "pipe $mb MB" \
    "pg_dump -Fc -Z0 -d '$BASE/$db' | zstd -3 -q | age -r $PUB > '$DIR/out/pipe.dump.zst.age'")
  rm -rf "$DIR/out"/*
  bw=$(scripts/bench/measure.py "bulwark $mb MB" \
    "'$BIN' backup --source '$BASE/$db' --to 'file://$DIR/out' --recipient $PUB --compression zstd --level 3 --quiet > /dev/null")
  manifest=$(find "$DIR/out" -name '*.manifest.json' | head -1)
  raw=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['raw_bytes'])" "$manifest")
  results+=("{\"size_mb\": $mb, \"raw_bytes\": $raw, \"pipe\": $pipe, \"bulwark\": $bw}")
  echo "$pipe" | sed 's/^/  /'; echo "$bw" | sed 's/^/  /'
done

printf '[%s]\n' "$(IFS=,; echo "${results[*]}")" > "$DIR/results.json"
python3 - "$DIR/results.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
print()
print(f"{'dump size':>10} {'pipe s':>8} {'bulwark s':>10} {'pipe MB/s':>10} {'bulwark MB/s':>13} {'ratio':>6} {'bulwark peak RSS':>17}")
for r in rows:
    mb = r["raw_bytes"] / 1024 / 1024
    p, b = r["pipe"]["wall_s"], r["bulwark"]["wall_s"]
    rss = r["bulwark"]["peak_rss_mib"].get("bulwark", 0)
    print(f"{mb:>8.0f}MB {p:>8.1f} {b:>10.1f} {mb/p:>10.1f} {mb/b:>13.1f} {p/b:>6.2f} {rss:>14.1f} MiB")
PY
