/**
 * The agent port as the app runs it: plain heartbeats are group-committed
 * (answered at once, written together by the next group commit); every
 * other write commits before its reply.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startPortFixture, type PortFixture } from '../../../support/port-fixture';

let f: PortFixture;
beforeEach(async () => {
  f = await startPortFixture({ groupCommit: true });
});
afterEach(async () => {
  vi.restoreAllMocks();
  await f.stop();
});

const iso = (ms: number) => new Date(ms).toISOString();
const storedHeartbeat = (id: string) => f.db.prepare('SELECT last_heartbeat FROM agents WHERE id = ?').pluck().get(id) as number | undefined;
const storedRow = (id: string) => f.db.prepare('SELECT * FROM agents WHERE id = ?').get(id) as Record<string, unknown> | undefined;

describe('agent port with group commit', () => {
  it('a plain heartbeat of a known agent is answered at once and written by the next group commit', async () => {
    await f.call({ method: 'POST', path: '/v1/agents/a1/heartbeat', body: { name: 'A1' } });
    const registeredAt = f.clock.now();
    expect(storedHeartbeat('a1')).toBe(registeredAt);

    f.clock.advance(5_000);
    const beat = await f.call({ method: 'POST', path: '/v1/agents/a1/heartbeat', body: { name: 'A1' } });
    expect(beat.status).toBe(200);
    expect(beat.json.agent.last_heartbeat).toBe(iso(f.clock.now()));
    // Reads see it at once; the file has it after the group commit.
    expect((await f.call({ path: '/v1/agents/a1' })).json.agent.last_heartbeat).toBe(iso(f.clock.now()));
    expect(storedHeartbeat('a1')).toBe(registeredAt);
    f.timeouts.runAll();
    expect(storedHeartbeat('a1')).toBe(f.clock.now());
  });

  it('a heartbeat that changes the name or labels, or registers the agent, commits before its reply', async () => {
    await f.call({ method: 'POST', path: '/v1/agents/a1/heartbeat' });
    expect(storedRow('a1')).toBeDefined();
    f.clock.advance(1_000);
    await f.call({ method: 'POST', path: '/v1/agents/a1/heartbeat', body: { name: 'Renamed', labels: { team: 'infra' } } });
    expect(storedRow('a1')).toMatchObject({ name: 'Renamed', labels: '{"team":"infra"}', last_heartbeat: f.clock.now() });
  });

  it('a status change commits before its reply, with the heartbeats answered before it', async () => {
    await f.call({ method: 'POST', path: '/v1/agents/a1/heartbeat' });
    await f.call({ method: 'POST', path: '/v1/agents/a2/heartbeat' });
    f.clock.advance(2_000);
    await f.call({ method: 'POST', path: '/v1/agents/a2/heartbeat' });
    const beatAt = f.clock.now();
    f.clock.advance(1_000);
    expect((await f.call({ method: 'POST', path: '/v1/agents/a1/busy', body: { slot_type: 'work' } })).status).toBe(200);
    expect(storedRow('a1')).toMatchObject({ status: 'busy' });
    expect(storedHeartbeat('a2')).toBe(beatAt);
  });

  it('while the group commit cannot write, heartbeats answer 503 like every write; none answered 200 is lost when writes work again', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    for (const id of ['a1', 'a2']) await f.call({ method: 'POST', path: `/v1/agents/${id}/heartbeat` });
    f.clock.advance(1_000);
    expect((await f.call({ method: 'POST', path: '/v1/agents/a1/heartbeat' })).status).toBe(200);
    const answeredAt = f.clock.now();

    f.db.pragma('query_only = ON'); // the store refuses writes, as on a full or read-only disk
    f.timeouts.runAll();
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/writing heartbeats failed .*; retrying/));
    f.clock.advance(1_000);
    const refused = await f.call({ method: 'POST', path: '/v1/agents/a2/heartbeat' });
    expect(refused.status).toBe(503);
    expect(refused.json.error.code).toBe('storage_error');
    // Reads keep working, and show the heartbeat that was answered.
    expect((await f.call({ path: '/v1/agents/a1' })).json.agent.last_heartbeat).toBe(iso(answeredAt));

    f.db.pragma('query_only = OFF');
    expect((await f.call({ method: 'POST', path: '/v1/agents/a2/heartbeat' })).status).toBe(200);
    expect(storedHeartbeat('a1')).toBe(answeredAt);
    expect(storedHeartbeat('a2')).toBe(f.clock.now());
    // Back to group commit once writes work.
    f.clock.advance(1_000);
    await f.call({ method: 'POST', path: '/v1/agents/a2/heartbeat' });
    expect(storedHeartbeat('a2')).toBe(f.clock.now() - 1_000);
    f.timeouts.runAll();
    expect(storedHeartbeat('a2')).toBe(f.clock.now());
  });
});
