/**
 * Issue 13's first finding, as reproduced: 52,000 agents, each with the
 * longest name and 32 maximal labels the port accepts, make a body larger
 * than V8's largest string (about 512 MiB). Built whole, `GET /v1/agents` and
 * the stream's snapshot failed with `RangeError: Invalid string length`, for
 * good (also after a restart). Streamed in slices they must both arrive whole.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetService } from '../../electron/core/fleet-service';
import { startAgentPort, type AgentPort } from '../../electron/core/http/agent-port';
import { openDatabase, type SqliteDatabase } from '../../electron/core/store/open-database';
import { systemClock } from '../../electron/core/system-clock';
import { AGENT_TOKEN, OPERATOR_TOKEN } from '../support/port-fixture';

const AGENTS = 52_000;
/** What the port's schemas take at most: a 200-character name, 32 labels of 63-character keys and 256-character values. */
const NAME = 'n'.repeat(200);
const LABELS = JSON.stringify(Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`k${String(i).padStart(2, '0')}${'k'.repeat(60)}`, 'v'.repeat(256)])));

/** V8's largest string on 64-bit builds (2^29 − 24 characters). */
const MAX_STRING = 2 ** 29 - 24;

let dir: string;
let db: SqliteDatabase;
let service: FleetService;
let port: AgentPort;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-large-read-'));
  db = openDatabase(path.join(dir, 'fleet.db'));
  const insert = db.prepare(
    `INSERT INTO agents (id, name, labels, status, status_since, last_heartbeat, created_at, usage)
     VALUES (?, ?, ?, 'idle', ?, ?, ?, '{}')`,
  );
  const now = Date.now();
  db.transaction(() => {
    for (let i = 0; i < AGENTS; i++) insert.run(`agent-${String(i).padStart(5, '0')}`, NAME, LABELS, now, now, now);
  })();
}, 120_000);

afterAll(async () => {
  await port?.close();
  service?.dispose();
  db?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Scans a streamed body for agent objects without ever holding it: their ids in order, and the bytes. */
function scanAgents(res: http.IncomingMessage, until?: (tail: string) => boolean): Promise<{ ids: string[]; bytes: number; head: string; tail: string }> {
  return new Promise((resolve, reject) => {
    const ids: string[] = [];
    let bytes = 0;
    let head = '';
    let carry = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      bytes += Buffer.byteLength(chunk);
      if (head.length < 64) head += chunk.slice(0, 64 - head.length);
      const text = carry + chunk;
      // An agent object starts with its id; `{"id":"` cannot occur inside a JSON string (its quotes would be escaped).
      const pattern = /\{"id":"([^"]+)"/g;
      let last = 0;
      for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
        ids.push(m[1]!);
        last = pattern.lastIndex;
      }
      carry = text.slice(Math.max(last, text.length - 200));
      if (until?.(carry)) {
        res.destroy();
        resolve({ ids, bytes, head, tail: carry });
      }
    });
    res.on('end', () => resolve({ ids, bytes, head, tail: carry }));
    res.on('error', reject);
  });
}

function get(pathAndQuery: string, token: string): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) =>
    http.get({ host: '127.0.0.1', port: port.port, path: pathAndQuery, headers: { authorization: `Bearer ${token}` } }, resolve).on('error', reject),
  );
}

describe('52,000 agents with maximal names and labels', () => {
  it('GET /v1/agents and the stream snapshot both arrive whole, though larger than any string', async () => {
    service = new FleetService(db, systemClock, { heartbeatTimeoutMs: 120_000, defaultRecoveryMs: 18_000_000 });
    port = await startAgentPort(service, systemClock, {
      host: '127.0.0.1',
      port: 0,
      tokens: { agentToken: AGENT_TOKEN, operatorToken: OPERATOR_TOKEN, file: null },
    });
    const expectedIds = Array.from({ length: AGENTS }, (_, i) => `agent-${String(i).padStart(5, '0')}`);

    const res = await get('/v1/agents', AGENT_TOKEN);
    expect(res.statusCode).toBe(200);
    const read = await scanAgents(res);
    expect(read.bytes).toBeGreaterThan(MAX_STRING);
    expect(read.head.startsWith('{"agents":[{"id":"agent-00000"')).toBe(true);
    expect(read.tail.endsWith('}]}')).toBe(true);
    expect(read.ids).toEqual(expectedIds);

    const stream = await get('/v1/stream?snapshot=1', OPERATOR_TOKEN);
    expect(stream.statusCode).toBe(200);
    const snapshot = await scanAgents(stream, (tail) => tail.endsWith(']}\n\n'));
    expect(snapshot.head).toMatch(/^retry: 2000\n\nevent: snapshot\ndata: \{"agents":\[/);
    expect(snapshot.ids).toEqual(expectedIds);

    // A page is whole JSON, with every field.
    const page = await get('/v1/agents?limit=1000&cursor=' + Buffer.from('agent-50999').toString('base64url'), AGENT_TOKEN);
    const text = await new Promise<string>((resolve) => {
      let body = '';
      page.setEncoding('utf8');
      page.on('data', (c: string) => (body += c)).on('end', () => resolve(body));
    });
    const parsed = JSON.parse(text) as { agents: { id: string; name: string; labels: Record<string, string> }[]; next_cursor: string | null };
    expect(parsed.agents.map((a) => a.id)).toEqual(expectedIds.slice(51_000));
    expect(parsed.next_cursor).toBeNull();
    expect(parsed.agents[0]!.name).toBe(NAME);
    expect(JSON.stringify(parsed.agents[0]!.labels)).toBe(LABELS);
  }, 240_000);
});
