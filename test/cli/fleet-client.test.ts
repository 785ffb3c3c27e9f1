import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FleetApiError, FleetClient, FleetConnectionError } from '../../cli/fleet-client';
import { AGENT_TOKEN, OPERATOR_TOKEN, startPortFixture, type PortFixture } from '../support/port-fixture';

let f: PortFixture;
beforeEach(async () => {
  f = await startPortFixture();
});
afterEach(async () => {
  await f.stop();
});

describe('FleetClient against the real port', () => {
  it('agent calls: heartbeat, busy, idle, exhausted, reads', async () => {
    const agent = new FleetClient({ url: `${f.port.url}/`, token: AGENT_TOKEN });
    expect((await agent.heartbeat('a1', { name: 'One', labels: { team: 'x' } })).name).toBe('One');
    expect((await agent.busy('a1', 'on_call')).status).toBe('on_call');
    expect((await agent.idle('a1')).status).toBe('idle');
    const exhausted = await agent.exhausted('a1', { reason: 'billing', recoveryAt: new Date(Date.UTC(2026, 0, 1, 18)) });
    expect(exhausted).toMatchObject({ status: 'exhausted', recovery_at: '2026-01-01T18:00:00.000Z' });
    expect((await agent.list()).map((a) => a.id)).toEqual(['a1']);
    expect((await agent.get('a1')).status).toBe('exhausted');
    expect((await agent.events('a1', 2)).map((e) => e.to)).toEqual(['exhausted', 'idle']);
  });

  it('beat and hook ask Prefer: return=minimal, and take the 204 as done', async () => {
    const seen: (string | null)[] = [];
    const spy: typeof fetch = async (input, init) => {
      seen.push(new Headers(init?.headers).get('prefer'));
      return fetch(input, init);
    };
    const agent = new FleetClient({ url: f.port.url, token: AGENT_TOKEN, fetch: spy });
    await expect(agent.beat('b1', { name: 'Beater' })).resolves.toBeUndefined();
    await expect(agent.hook('claude-code', { session_id: 's1', hook_event_name: 'Stop', cwd: '/w' })).resolves.toBeUndefined();
    await agent.heartbeat('b1'); // the reply is read: no preference
    expect(seen).toEqual(['return=minimal', 'return=minimal', null]);
    expect(f.service.find('b1')).toMatchObject({ name: 'Beater', status: 'idle' });
    // A refusal is still the port's error.
    await expect(agent.beat('b1', { labels: 'x' as never })).rejects.toMatchObject({ status: 400, code: 'bad_request' });
  });

  it('operator calls need the operator token', async () => {
    const agent = new FleetClient({ url: f.port.url, token: AGENT_TOKEN });
    const operator = new FleetClient({ url: f.port.url, token: OPERATOR_TOKEN });
    await agent.busy('a1');
    await expect(agent.recover('a1')).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    expect((await operator.forceExhaust('a1', { reason: 'rate_limit' })).status).toBe('exhausted');
    expect((await operator.recover('a1')).status).toBe('idle');
    expect((await operator.forget('a1')).id).toBe('a1');
    await expect(operator.get('a1')).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });

  it('errors: the port’s code, http_<status> for a non-JSON answer, a connection error naming the URL', async () => {
    const agent = new FleetClient({ url: f.port.url, token: AGENT_TOKEN });
    await agent.busy('a1');
    const refused = await agent.busy('a1').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(FleetApiError);
    expect(refused).toMatchObject({ status: 409, code: 'invalid_transition', message: "Agent 'a1' is busy; expected one of [idle]" });

    const proxy = new FleetClient({ url: 'http://fleet.test', token: 't', fetch: async () => new Response('<html>bad gateway</html>', { status: 502 }) });
    await expect(proxy.list()).rejects.toMatchObject({ status: 502, code: 'http_502' });

    const down = new FleetClient({ url: 'http://127.0.0.1:1', token: 't' });
    const error = await down.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FleetConnectionError);
    expect((error as Error).message).toBe('cannot reach Fleet Monitor at http://127.0.0.1:1 (connection failed)');
  });

  it('refuses an invalid id before sending anything', async () => {
    let sent = 0;
    const client = new FleetClient({ url: 'http://x', token: 't', fetch: async () => (sent++, new Response('{}')) });
    await expect(client.heartbeat('no spaces')).rejects.toMatchObject({ code: 'bad_request' });
    expect(sent).toBe(0);
  });
});
