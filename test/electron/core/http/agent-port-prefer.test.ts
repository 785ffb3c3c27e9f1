/**
 * `Prefer: return=minimal` (RFC 7240): a write answers 204 with
 * `Preference-Applied: return=minimal` and no body, and is written exactly as
 * with the default reply — a status change commits before its 204, a plain
 * heartbeat is group-committed as documented. Without the preference, or with
 * anything else in it, the reply is the default `200 {"agent": …}`.
 */
import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prefersMinimalReturn } from '../../../../electron/core/http/prefer';
import { AGENT_TOKEN, OPERATOR_TOKEN, startPortFixture, type PortFixture } from '../../../support/port-fixture';

let f: PortFixture;
beforeEach(async () => {
  f = await startPortFixture({ groupCommit: true });
});
afterEach(() => f.stop());

const MINIMAL = { prefer: 'return=minimal' };
const storedRow = (id: string) => f.db.prepare('SELECT * FROM agents WHERE id = ?').get(id) as Record<string, unknown> | undefined;

function expectMinimal(res: { status: number; headers: Record<string, unknown>; text: string }) {
  expect(res.status).toBe(204);
  expect(res.headers['preference-applied']).toBe('return=minimal');
  expect(res.text).toBe('');
  expect(res.headers['content-type']).toBeUndefined();
  expect(res.headers['x-content-type-options']).toBe('nosniff');
}

describe('Prefer: return=minimal', () => {
  it('a heartbeat answers 204 and is group-committed as a full-reply one is: read at once, in the file after the group commit', async () => {
    await f.call({ method: 'POST', path: '/v1/agents/a1/heartbeat', headers: MINIMAL, body: { name: 'A1' } });
    expect(storedRow('a1')).toMatchObject({ name: 'A1', status: 'idle' }); // a registration commits before its reply
    f.clock.advance(5_000);
    expectMinimal(await f.call({ method: 'POST', path: '/v1/agents/a1/heartbeat', headers: MINIMAL, body: { name: 'A1' } }));
    expect((await f.call({ path: '/v1/agents/a1' })).json.agent.last_heartbeat).toBe(new Date(f.clock.now()).toISOString());
    f.timeouts.runAll();
    expect(storedRow('a1')).toMatchObject({ last_heartbeat: f.clock.now() });
  });

  it('every status change commits before its 204', async () => {
    const steps: [string, unknown, string][] = [
      ['busy', { slot_type: 'work' }, 'busy'],
      ['idle', { exit_code: 0 }, 'idle'],
      ['busy', { slot_type: 'on_call' }, 'on_call'],
      ['exhausted', { message: 'Rate limit reached. Try again in 2h.' }, 'exhausted'],
      ['offline', undefined, 'offline'],
      ['heartbeat', undefined, 'idle'], // offline → idle is a status change: committed now
    ];
    for (const [path, body, status] of steps) {
      f.clock.advance(1_000);
      expectMinimal(await f.call({ method: 'POST', path: `/v1/agents/w1/${path}`, headers: MINIMAL, ...(body ? { body } : {}) }));
      expect(storedRow('w1'), path).toMatchObject({ status, status_since: f.clock.now() });
    }
  });

  it('a hook, the operator’s actions and DELETE honour it too; reads ignore it', async () => {
    const hook = { session_id: 'sess-1', hook_event_name: 'UserPromptSubmit', cwd: '/home/dev/payments', prompt: 'fix it' };
    expectMinimal(await f.call({ method: 'POST', path: '/v1/hooks/claude-code', headers: MINIMAL, body: hook }));
    await f.call({ method: 'POST', path: '/v1/agents/a2/heartbeat' });
    expectMinimal(await f.operator({ method: 'POST', path: '/v1/agents/a2/actions/exhaust', headers: MINIMAL, body: { reason: 'rate_limit' } }));
    expect(storedRow('a2')).toMatchObject({ status: 'exhausted' });
    await f.call({ method: 'POST', path: '/v1/agents/gone/heartbeat' });
    expectMinimal(await f.operator({ method: 'DELETE', path: '/v1/agents/gone', headers: MINIMAL }));
    expect(storedRow('gone')).toBeUndefined();
    const read = await f.call({ path: '/v1/agents/a2', headers: MINIMAL });
    expect(read.status).toBe(200);
    expect(read.headers['preference-applied']).toBeUndefined();
    expect(read.json.agent.status).toBe('exhausted');
  });

  it('without it, with return=representation first, or with other preferences only, the reply is the default 200 {"agent"}', async () => {
    for (const prefer of [undefined, 'return=representation', 'respond-async, wait=10', 'return=representation, return=minimal', 'return=maximal']) {
      const res = await f.call({ method: 'POST', path: '/v1/agents/a3/heartbeat', ...(prefer ? { headers: { prefer } } : {}) });
      expect(res.status, String(prefer)).toBe(200);
      expect(res.headers['preference-applied']).toBeUndefined();
      expect(res.json.agent.id).toBe('a3');
    }
  });

  it('a refused write is the same error either way; nothing is written', async () => {
    const res = await f.call({ method: 'POST', path: '/v1/agents/a4/heartbeat', headers: MINIMAL, body: { labels: 'not an object' } });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('bad_request');
    expect(storedRow('a4')).toBeUndefined();
    const unknown = await f.operator({ method: 'POST', path: '/v1/agents/nobody/actions/recover', headers: MINIMAL });
    expect(unknown.status).toBe(404);
  });
});

describe('prefersMinimalReturn (the Prefer grammar)', () => {
  it.each([
    ['return=minimal', true],
    ['RETURN=Minimal', true],
    ['return = minimal', true],
    ['return="minimal"', true],
    ['return=minimal; foo=bar', true],
    ['respond-async, return=minimal', true],
    ['wait=5,return=minimal', true],
    ['handling=lenient, return=minimal;x="a,b"', true],
    ['return=minimal,return=representation', true], // RFC 7240 §2: the first instance counts
    ['return=representation, return=minimal', false],
    ['return=representation', false],
    ['return', false],
    ['return, return=minimal', false],
    ['minimal', false],
    ['x="return=minimal"', false],
    ['returns=minimal', false],
    ['', false],
  ])('%j → %s', (header, expected) => {
    expect(prefersMinimalReturn(header)).toBe(expected);
  });

  it('joins repeated headers', () => {
    expect(prefersMinimalReturn(['respond-async', 'return=minimal'])).toBe(true);
    expect(prefersMinimalReturn(undefined)).toBe(false);
  });
});

describe('auth on a keep-alive connection', () => {
  /** Requests over one kept-alive connection; answers with the local port each went out from. */
  async function overOneConnection(requests: { path: string; method?: string; token: string }[]) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const answers: { status: number; localPort: number }[] = [];
    try {
      for (const { path, method = 'GET', token } of requests) {
        answers.push(
          await new Promise((resolve, reject) => {
            const req = http.request({ host: '127.0.0.1', port: f.port.port, path, method, agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
              res.resume();
              res.on('end', () => resolve({ status: res.statusCode!, localPort: req.socket!.localPort! }));
            });
            req.on('error', reject);
            req.end();
          }),
        );
      }
    } finally {
      agent.destroy();
    }
    return answers;
  }

  it('each new Authorization value is checked afresh: a verified token does not vouch for the next one', async () => {
    const answers = await overOneConnection([
      { path: '/v1/agents', token: AGENT_TOKEN },
      { path: '/v1/agents', token: AGENT_TOKEN },
      { path: '/v1/agents', token: `${AGENT_TOKEN.slice(0, -1)}x` },
      { path: '/v1/settings', token: AGENT_TOKEN },
      { path: '/v1/settings', token: OPERATOR_TOKEN },
      { path: '/v1/settings', token: AGENT_TOKEN },
      { path: '/v1/agents', token: 'short' },
    ]);
    expect(new Set(answers.map((a) => a.localPort)).size).toBe(1);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 401, 403, 200, 403, 401]);
  });
});
