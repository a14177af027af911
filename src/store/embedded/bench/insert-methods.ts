/**
 * Compares ways to load a batch of events into the DuckDB tail table.
 * Run: node bin/run-ts.js src/store/embedded/bench/insert-methods.ts [events] [batch]
 */
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, DuckDBDataChunk, DuckDBVarCharType, VARCHAR, INTEGER, BIGINT, LIST, listValue } from '@duckdb/node-api';
const JSONType = DuckDBVarCharType.create('JSON');
import type { DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { COLUMN_TYPES, EVENT_COLUMNS } from '../../../core/index.ts';
import type { LogEvent } from '../../../core/index.ts';
import { auditEvent } from '../test-events.ts';
import { COLUMN_DEFS, COLUMN_LIST, JSON_COLUMNS } from '../columns.ts';

const total = Number(process.argv[2] ?? 50_000);
const batch = Number(process.argv[3] ?? 1000);
const events: LogEvent[] = Array.from({ length: total }, (_, i) => auditEvent(i));
const dir = mkdtempSync(join(tmpdir(), 'argus-ins-'));
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();

function duckType(c: (typeof EVENT_COLUMNS)[number]): DuckDBType {
  switch (COLUMN_TYPES[c]) {
    case 'string': return VARCHAR;
    case 'int': return INTEGER;
    case 'bigint': return BIGINT;
    case 'string[]': return LIST(VARCHAR);
    case 'json': return JSONType;
  }
}
function value(e: LogEvent, c: (typeof EVENT_COLUMNS)[number]): DuckDBValue {
  const v = (e as unknown as Record<string, unknown>)[c];
  if (v === undefined || v === null) return null;
  switch (COLUMN_TYPES[c]) {
    case 'bigint': return BigInt(v as number);
    case 'string[]': return listValue(v as string[]);
    case 'json': return JSON.stringify(v);
    default: return v as DuckDBValue;
  }
}

async function reset(): Promise<void> {
  await con.run('DROP TABLE IF EXISTS tail');
  await con.run(`CREATE TABLE tail (${COLUMN_DEFS}, _wal BIGINT)`);
}

const STRUCT = JSON.stringify(Object.fromEntries(EVENT_COLUMNS.map((c) => [c, ({ string: 'VARCHAR', int: 'INTEGER', bigint: 'BIGINT', 'string[]': ['VARCHAR'], json: 'JSON' } as const)[COLUMN_TYPES[c]]])));
const methods: Record<string, (b: LogEvent[], ndjson: string) => Promise<void>> = {
  async appenderRows(b) {
    const app = await con.createAppender('tail');
    for (const e of b) {
      for (const c of EVENT_COLUMNS) {
        const v = value(e, c);
        if (v === null) app.appendNull();
        else app.appendValue(v, duckType(c));
      }
      app.appendBigInt(1n);
      app.endRow();
    }
    app.closeSync();
  },
  async appendDataChunk(b) {
    const app = await con.createAppender('tail');
    const types = [...EVENT_COLUMNS.map(duckType), BIGINT];
    for (let off = 0; off < b.length; off += 2048) {
      const part = b.slice(off, off + 2048);
      const chunk = DuckDBDataChunk.create(types, part.length);
      chunk.setColumns([...EVENT_COLUMNS.map((c) => part.map((e) => value(e, c))), part.map(() => 1n)]);
      app.appendDataChunk(chunk);
    }
    app.closeSync();
  },
  async readJsonTempFile(_b, ndjson) {
    const f = join(dir, 'batch.ndjson');
    writeFileSync(f, ndjson);
    await con.run(`INSERT INTO tail SELECT ${COLUMN_LIST}, 1 FROM read_json('${f}', format='newline_delimited', columns=${JSON_COLUMNS})`);
  },
  async jsonTransformLines(_b, ndjson) {
    await con.run(
      `INSERT INTO tail SELECT s.*, 1 FROM (SELECT json_transform(l, '${STRUCT}') AS s FROM (SELECT unnest(string_split(rtrim($1, chr(10)), chr(10))) AS l))`,
      [ndjson],
    );
  },
  async fromJsonParam(_b, ndjson) {
    // one bound VARCHAR holding the NDJSON batch; DuckDB splits and parses it in C++
    await con.run(
      `INSERT INTO tail SELECT ${COLUMN_LIST}, 1 FROM (SELECT unnest(from_json(j, '[${JSON_COLUMNS.replace(/'/g, '"').replace(/"(\w+)": "([^"]+)"/g, '"$1":"$2"')}]'), recursive := true) FROM (SELECT ('[' || replace(rtrim($1, chr(10)), chr(10), ',') || ']')::JSON AS j))`,
      [ndjson],
    );
  },
};

for (const [name, fn] of Object.entries(methods)) {
  if (process.argv[4] && process.argv[4] !== name) continue;
  await reset();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let stringify = 0;
  for (let off = 0; off < total; off += batch) {
    const b = events.slice(off, off + batch);
    const s0 = performance.now();
    let nd = '';
    for (const e of b) nd += JSON.stringify(e) + '\n';
    stringify += performance.now() - s0;
    await fn(b, nd);
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const n = Number((await con.runAndReadAll('SELECT count(*) FROM tail')).getRows()[0]![0]);
  console.log(`${name.padEnd(18)} ${Math.round((total / ms) * 1000).toString().padStart(8)} ev/s wall, ${((cpu.user + cpu.system) / total).toFixed(1).padStart(5)} µs CPU/event incl. stringify (stringify ${Math.round(stringify)} ms of ${Math.round(ms)} ms, rows ${n})`);
}
con.closeSync();
db.closeSync();
rmSync(dir, { recursive: true, force: true });
