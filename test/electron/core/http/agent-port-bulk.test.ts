/**
 * Issue 14, acting on many: `POST /v1/actions/recover` and
 * `POST /v1/actions/exhaust` — one request and one transaction for up to
 * 10,000 agents, each moved where the rules allow it and reported either way.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AGENT_TOKEN, startPortFixture, type PortFixture } from '../../../support/port-fixture';

let f: PortFixture | undefined;
afterEach(async () => {
  await f?.stop();
  f = undefined;
});

type Result = { id: string; ok: true; agent: { id: string; status: string; exhaust_reason: string | null } } | { id: string; ok: false; error: { code: string; message: string } };

/** idle-1, idle-2, busy-1 and exhausted-1, with history. */
async function fleet(fx: PortFixture): Promise<void> {
  for (const id of ['idle-1', 'idle-2', 'busy-1', 'exhausted-1']) await fx.call({ method: 'POST', path: `/v1/agents/${id}/heartbeat` });
  await fx.call({ method: 'POST', path: '/v1/agents/busy-1/busy', body: { slot_type: 'work' } });
  await fx.call({ method: 'POST', path: '/v1/agents/exhausted-1/exhausted', body: { reason: 'billing' } });
}

describe('POST /v1/actions/recover and /v1/actions/exhaust', () => {
  it('recover: each agent the rules allow moves, the others are reported, in the order asked; one change batch, after one commit', async () => {
    f = await startPortFixture();
    await fleet(f);
    const batchesBefore = f.batches.length;
    const res = await f.operator({ method: 'POST', path: '/v1/actions/recover', body: { ids: ['exhausted-1', 'idle-1', 'nobody', 'busy-1'] } });
    expect(res.status).toBe(200);
    const results = res.json.results as Result[];
    expect(results.map((r) => [r.id, r.ok])).toEqual([
      ['exhausted-1', true],
      ['idle-1', false],
      ['nobody', false],
      ['busy-1', true],
    ]);
    expect(results[0]).toMatchObject({ ok: true, agent: { id: 'exhausted-1', status: 'idle' } });
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'invalid_transition', message: "Agent 'idle-1' is idle; expected one of [busy, on_call, exhausted, offline]" } });
    expect(results[2]).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(f.service.get('exhausted-1').status).toBe('idle');
    expect(f.service.get('busy-1').status).toBe('idle');
    expect(f.service.find('nobody')).toBeUndefined();
    // Committed together, told once.
    expect(f.batches.length).toBe(batchesBefore + 1);
    expect(f.batches.at(-1)!.map((c) => (c.type === 'upsert' ? c.agent.id : c.agentId))).toEqual(['exhausted-1', 'busy-1']);
    expect(f.service.history('busy-1')[0]).toMatchObject({ from: 'busy', to: 'idle', cause: 'operator' });
  });

  it('exhaust: the reason and recovery time for each agent that can be exhausted; an empty list is an empty answer', async () => {
    f = await startPortFixture();
    await fleet(f);
    const recoveryAt = new Date(f.clock.now() + 3_600_000).toISOString();
    const res = await f.operator({ method: 'POST', path: '/v1/actions/exhaust', body: { ids: ['idle-1', 'idle-2', 'exhausted-1'], reason: 'rate_limit', recovery_at: recoveryAt } });
    expect(res.status).toBe(200);
    const results = res.json.results as Result[];
    expect(results.map((r) => [r.id, r.ok])).toEqual([
      ['idle-1', true],
      ['idle-2', true],
      ['exhausted-1', true],
    ]);
    for (const id of ['idle-1', 'idle-2']) expect(f.service.get(id)).toMatchObject({ status: 'exhausted', exhaustReason: 'rate_limit', recoveryAt: Date.parse(recoveryAt) });
    const empty = await f.operator({ method: 'POST', path: '/v1/actions/exhaust', body: { ids: [], reason: 'billing' } });
    expect([empty.status, empty.json]).toEqual([200, { results: [] }]);
  });

  it.each([
    ['recover', 'ids not an array', { ids: 'idle-1' }, /ids must be an array of agent ids/],
    ['recover', 'a bad id', { ids: ['bad id!'] }, /agent id/],
    ['recover', 'no ids', {}, /ids/],
    ['exhaust', 'no reason', { ids: ['idle-1'] }, /reason/],
    ['exhaust', 'an unknown reason', { ids: ['idle-1'], reason: 'tired' }, /reason/],
    ['recover', '10,001 ids', { ids: Array.from({ length: 10_001 }, (_, i) => `a${i}`) }, /ids may name at most 10000 agents/],
  ])('%s with %s is 400 and changes nothing', async (action, _what, body, message) => {
    f = await startPortFixture();
    await fleet(f);
    const before = JSON.stringify(f.service.list());
    const res = await f.operator({ method: 'POST', path: `/v1/actions/${action}`, body });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('bad_request');
    expect(res.json.error.message).toMatch(message);
    expect(JSON.stringify(f.service.list())).toBe(before);
  });

  it('a recovery time beyond the horizon is 400 for the whole action, before any agent moves', async () => {
    f = await startPortFixture();
    await fleet(f);
    const before = JSON.stringify(f.service.list());
    const far = new Date(f.clock.now() + 8 * 86_400_000).toISOString();
    const res = await f.operator({ method: 'POST', path: '/v1/actions/exhaust', body: { ids: ['nobody', 'idle-1'], reason: 'billing', recovery_at: far } });
    expect([res.status, res.json.error.code]).toEqual([400, 'bad_request']);
    expect(res.json.error.message).toMatch(/recovery_at must be at most 7 days ahead/);
    expect(JSON.stringify(f.service.list())).toBe(before);
  });

  it('10,000 ids fit in one request (bodies up to 1 MiB), all moved in one transaction', async () => {
    f = await startPortFixture();
    const ids = Array.from({ length: 10_000 }, (_, i) => `agent-${String(i).padStart(5, '0')}`);
    f.db.transaction(() => {
      for (const id of ids) f!.service.recordHeartbeat(id);
    })();
    const batchesBefore = f.batches.length;
    const res = await f.operator({ method: 'POST', path: '/v1/actions/exhaust', body: { ids, reason: 'billing' } }, 30_000);
    expect(res.status).toBe(200);
    expect((res.json.results as Result[]).every((r) => r.ok)).toBe(true);
    expect(f.service.countByStatus().exhausted).toBe(10_000);
    expect(f.batches.length).toBe(batchesBefore + 1);
  });

  it('an id named twice is acted on and reported once; Prefer: return=minimal still gets the report', async () => {
    f = await startPortFixture();
    await fleet(f);
    const res = await f.operator({ method: 'POST', path: '/v1/actions/exhaust', body: { ids: ['idle-1', 'idle-1', 'idle-2'], reason: 'billing' }, headers: { prefer: 'return=minimal' } });
    expect(res.status).toBe(200);
    expect((res.json.results as Result[]).map((r) => [r.id, r.ok])).toEqual([
      ['idle-1', true],
      ['idle-2', true],
    ]);
    expect(f.service.history('idle-1').filter((e) => e.to === 'exhausted')).toHaveLength(1);
  });

  it('10,001 ids of the longest kind are the 400 for too many ids, not a 413', async () => {
    f = await startPortFixture();
    const ids = Array.from({ length: 10_001 }, (_, i) => `${String(i).padStart(5, '0')}${'x'.repeat(123)}`);
    const res = await f.operator({ method: 'POST', path: '/v1/actions/recover', body: { ids } });
    expect([res.status, res.json.error.code]).toEqual([400, 'bad_request']);
    expect(res.json.error.message).toMatch(/at most 10000/);
  });

  it('needs the operator token: the agent token is 403 and moves nothing', async () => {
    f = await startPortFixture();
    await fleet(f);
    for (const [path, body] of [
      ['/v1/actions/recover', { ids: ['exhausted-1'] }],
      ['/v1/actions/exhaust', { ids: ['idle-1'], reason: 'billing' }],
    ] as const) {
      const res = await f.call({ method: 'POST', path, body, headers: { authorization: `Bearer ${AGENT_TOKEN}` } });
      expect(res.status).toBe(403);
    }
    expect(f.service.get('exhausted-1').status).toBe('exhausted');
    expect(f.service.get('idle-1').status).toBe('idle');
  });
});
