// The test PostgreSQL (TEST_PG_URL) through `psql` child processes: databases to back
// up, realistic data in them, and per-table fingerprints to compare a restore with.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export function pgUrl() {
  const url = process.env.TEST_PG_URL;
  if (!url) throw new Error('TEST_PG_URL must point at the test PostgreSQL (source /tmp/bulwark-test-services/services.env)');
  return new URL(url);
}

/// The server URL with another database name.
export function dbUrl(database) {
  const url = pgUrl();
  url.pathname = `/${database}`;
  return url.toString();
}

/// A fresh database name, unique per call: `<prefix>_<8 hex>`.
export function uniqueName(prefix) {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

/// Runs SQL (read from stdin, stops at the first error) and returns psql's unaligned,
/// tuples-only output.
export function psql(database, sql, { timeout = 120_000 } = {}) {
  return execFileSync('psql', [dbUrl(database), '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-F', '\t'], {
    input: sql,
    encoding: 'utf8',
    timeout,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, PGCONNECT_TIMEOUT: '10' },
  }).trim();
}

export function createDatabase(name) {
  psql(pgUrl().pathname.slice(1) || 'postgres', `CREATE DATABASE "${name}";`);
}

export function dropDatabase(name) {
  psql(pgUrl().pathname.slice(1) || 'postgres', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE);`);
}

export function databaseExists(name) {
  return psql(pgUrl().pathname.slice(1) || 'postgres',
    `SELECT count(*) FROM pg_database WHERE datname = '${name.replace(/'/g, "''")}';`) === '1';
}

/// The user tables of a database (schema-qualified), sorted.
export function tables(database) {
  return psql(database, `SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
      WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1;`)
    .split('\n').filter(Boolean);
}

/// For each table: its row count and the md5 of all its rows in primary-key order; and
/// for each sequence its last value. Two databases with equal fingerprints hold the
/// same data.
export function fingerprint(database) {
  const out = {};
  for (const table of tables(database)) {
    const [count, md5] = psql(database,
      `SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t.id)), '-') FROM ${table} t;`).split('\t');
    out[table] = { rows: Number(count), md5 };
  }
  for (const line of psql(database,
    `SELECT format('%I.%I', schemaname, sequencename), coalesce(last_value::text, 'unset') FROM pg_sequences ORDER BY 1;`)
    .split('\n').filter(Boolean)) {
    const [seq, last] = line.split('\t');
    out[`sequence ${seq}`] = { last };
  }
  return out;
}
