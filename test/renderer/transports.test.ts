import { describe, expect, it } from 'vitest';
import type { AgentDelta } from '../../shared/fleet-api';
import { toWireAgent } from '../../shared/wire';
import { followBridge, LOAD_PAGE } from '../../renderer/src/transport/follow-bridge';
import { HttpTransport, type StreamTrouble } from '../../renderer/src/transport/http-transport';
import { fakeApi, makeAgent } from './fixtures';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const stream = (text: string) => new Response(new Blob([text]).stream(), { status: 200, headers: { 'content-type': 'text/event-stream' } });
const snapshot = (ids: string[]) => `event: snapshot\ndata: ${JSON.stringify({ agents: ids.map((id) => toWireAgent(makeAgent(id))) })}\n\n`;

/** Follows the stream until `until` holds; returns what the listener and the trouble callback saw. */
async function follow(transport: HttpTransport, until: (deltas: AgentDelta[], troubles: StreamTrouble[]) => boolean) {
  const deltas: AgentDelta[] = [];
  const troubles: StreamTrouble[] = [];
  const stop = transport.onAgentsChanged(
    (delta) => deltas.push(delta),
    (trouble) => troubles.push(trouble),
  );
  const deadline = Date.now() + 5_000;
  while (!until(deltas, troubles) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  stop();
  return { deltas, troubles };
}

describe('HttpTransport event stream', () => {
  it.each([
    [401, 'unauthorized', 'That token is not valid for this Fleet Monitor; paste the operator token (Settings, or operator_token in tokens.json).'],
    [403, 'forbidden', "That is the agent token; Fleet Monitor's UI needs the operator token (Settings, or operator_token in tokens.json)."],
  ])('a %i is a sign-out saying why the token was refused, and no retry', async (status, code, message) => {
    let calls = 0;
    const transport = new HttpTransport('t', '', async () => (calls++, json(status, { error: { code, message: 'from the server' } })));
    const { troubles } = await follow(transport, (_d, t) => t.length > 0);
    expect(troubles).toEqual([{ kind: 'signed_out', message }]);
    await new Promise((r) => setTimeout(r, 700));
    expect(calls).toBe(1);
  });

  it('a stream refused for now (429: too many open) is reported with the port’s reason, and retried no sooner than Retry-After', async () => {
    const calledAt: number[] = [];
    const message = 'At most 2 event streams may be open (FLEET_MAX_STREAMS); close one, or try again later';
    const transport = new HttpTransport('t', '', async () => {
      calledAt.push(Date.now());
      return new Response(JSON.stringify({ error: { code: 'too_many_streams', message } }), {
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': '1' },
      });
    });
    const { troubles } = await follow(transport, () => calledAt.length >= 2);
    expect(troubles[0]).toEqual({ kind: 'unreachable', reason: message });
    expect(calledAt[1]! - calledAt[0]!).toBeGreaterThanOrEqual(950);
  });

  it('a port that cannot be reached is reported, retried, and the reconnect starts with the whole fleet', async () => {
    let calls = 0;
    const transport = new HttpTransport('t', '', async () => {
      calls++;
      if (calls === 1) throw new TypeError('fetch failed');
      return stream(snapshot(['a1', 'a2']));
    });
    const { deltas, troubles } = await follow(transport, (d) => d.length > 0);
    expect(troubles[0]).toEqual({ kind: 'unreachable' });
    expect(deltas[0]).toMatchObject({ reset: true });
    expect(deltas[0]!.upserts.map((a) => a.id)).toEqual(['a1', 'a2']);
  });

  it('a paged snapshot: the first page replaces the fleet at once, loading; the rest add to it; the last page ends the loading', async () => {
    const page = (ids: string[], last: boolean) =>
      `event: snapshot_page\ndata: ${JSON.stringify({ agents: ids.map((id) => toWireAgent(makeAgent(id))), last })}\n\n`;
    /** A body that sends each piece in its own chunk, a little apart, then ends. */
    const chunked = (pieces: string[]) => {
      const encoder = new TextEncoder();
      return new Response(
        new ReadableStream<Uint8Array>({
          async pull(controller) {
            const next = pieces.shift();
            if (next === undefined) return controller.close();
            await new Promise((r) => setTimeout(r, 10));
            controller.enqueue(encoder.encode(next));
          },
        }),
        { status: 200, headers: { 'content-type': 'text/event-stream' } },
      );
    };
    let calls = 0;
    const urls: string[] = [];
    const transport = new HttpTransport('t', '', async (url) => {
      urls.push(String(url));
      calls++;
      // The second connection (a reconnect) starts over: its first page is a reset again.
      return calls === 1 ? chunked([page(['a1', 'a2'], false), page(['a3'], false), page(['a4'], true)]) : stream(page(['b1'], true));
    });
    const { deltas } = await follow(transport, (d) => d.some((x) => x.upserts.some((a) => a.id === 'b1')));
    expect(urls[0]).toBe('/v1/stream?snapshot=pages');
    expect(deltas[0]).toMatchObject({ reset: true, loading: true });
    expect(deltas[0]!.upserts.map((a) => a.id)).toEqual(['a1', 'a2']);
    const rest = deltas.slice(1, deltas.findIndex((d) => d.upserts.some((a) => a.id === 'b1')));
    expect(rest.every((d) => !d.reset)).toBe(true);
    expect(rest.flatMap((d) => d.upserts.map((a) => a.id))).toEqual(['a3', 'a4']);
    expect(rest.at(-1)).toMatchObject({ loading: false });
    expect(deltas.at(-1)).toMatchObject({ reset: true, loading: false });
  });

  it('delivers the snapshot at once, then coalesces the changes that follow into one delta per interval', async () => {
    const encoder = new TextEncoder();
    const agentEvent = (id: string, status: string) => `event: agent\ndata: ${JSON.stringify({ ...toWireAgent(makeAgent(id)), status })}\n\n`;
    const chunks = [snapshot(['a1', 'a2']), agentEvent('a1', 'busy'), agentEvent('a2', 'busy'), agentEvent('a1', 'idle')];
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = chunks.shift();
        if (next === undefined) return; // stays open, as the port's stream does
        await new Promise((r) => setTimeout(r, 10));
        controller.enqueue(encoder.encode(next));
      },
    });
    const transport = new HttpTransport('t', '', async () => new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }));
    const started = Date.now();
    let snapshotAfter = -1;
    const { deltas } = await follow(transport, (d) => {
      if (d.length === 1 && snapshotAfter < 0) snapshotAfter = Date.now() - started;
      return d.length >= 2;
    });
    expect(deltas[0]).toMatchObject({ reset: true });
    expect(snapshotAfter).toBeLessThan(100);
    // Three events in three chunks: one delta, each agent once, in its latest state.
    expect(deltas).toHaveLength(2);
    expect(deltas[1]!.upserts.map((a) => [a.id, a.status])).toEqual([
      ['a1', 'idle'],
      ['a2', 'busy'],
    ]);
  });

  it('a stream that ends is reported as unreachable (the grid is no longer live)', async () => {
    const transport = new HttpTransport('t', '', async () => stream(snapshot(['a1'])));
    const { troubles } = await follow(transport, (_d, t) => t.length > 0);
    expect(troubles[0]).toEqual({ kind: 'unreachable' });
  });

  it('getAgent reads GET /v1/agents/{id}', async () => {
    const urls: string[] = [];
    const transport = new HttpTransport('t', '', async (url) => (urls.push(String(url)), json(200, { agent: toWireAgent(makeAgent('a b')) })));
    expect(await transport.getAgent('a b')).toMatchObject({ ok: true, value: { id: 'a b', status: 'idle' } });
    expect(urls).toEqual(['/v1/agents/a%20b']);
  });
});

describe('HttpTransport bulk actions', () => {
  it('posts the ids (and the exhaustion) to /v1/actions/*, and reads each result back as an agent or an error', async () => {
    const sent: { url: string; body: unknown }[] = [];
    const transport = new HttpTransport('t', '', async (url, init) => {
      sent.push({ url: String(url), body: JSON.parse(String(init?.body)) });
      return json(200, { results: [{ id: 'a1', ok: true, agent: toWireAgent(makeAgent('a1', { status: 'exhausted', exhaustReason: 'billing' })) }, { id: 'x', ok: false, error: { code: 'not_found', message: 'no x' } }] });
    });
    const result = await transport.bulkExhaust({ ids: ['a1', 'x'], reason: 'billing', recoveryAt: Date.UTC(2026, 11, 2) });
    expect(sent[0]).toEqual({ url: '/v1/actions/exhaust', body: { ids: ['a1', 'x'], reason: 'billing', recovery_at: '2026-12-02T00:00:00.000Z' } });
    expect(result).toEqual({
      ok: true,
      value: [
        { id: 'a1', ok: true, agent: makeAgent('a1', { status: 'exhausted', exhaustReason: 'billing' }) },
        { id: 'x', ok: false, error: { code: 'not_found', message: 'no x' } },
      ],
    });
    await transport.bulkRecover(['a1']);
    expect(sent[1]).toEqual({ url: '/v1/actions/recover', body: { ids: ['a1'] } });
  });
});

describe('followBridge', () => {
  it('reports a failed load, tries again, and applies the fleet as a reset once it loads', async () => {
    let attempts = 0;
    const api = fakeApi({
      listAgentsPage: async () =>
        ++attempts === 1
          ? { ok: false, error: { code: 'storage_error', message: 'The database cannot be read' } }
          : { ok: true, value: { agents: [makeAgent('a1')], nextCursor: null } },
    });
    const applied: AgentDelta[] = [];
    const errors: string[] = [];
    const stop = followBridge(api, (d) => applied.push(d), (m) => errors.push(m));
    const deadline = Date.now() + 5_000;
    while (applied.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    stop();
    expect(errors).toEqual(['The database cannot be read']);
    expect(applied).toEqual([{ upserts: [makeAgent('a1')], removed: [], reset: true, loading: false }]);
  });

  it('loads a large fleet page by page: the first a reset, loading, the rest added; a failed page is retried from where it was; pushes apply once the first page is in', async () => {
    const fleet = Array.from({ length: LOAD_PAGE * 2 + 3 }, (_, i) => makeAgent(`a${String(i).padStart(5, '0')}`));
    let push: ((delta: AgentDelta) => void) | undefined;
    let failOnce = true;
    const asked: (string | null)[] = [];
    const api = fakeApi({
      onAgentsChanged: (listener) => ((push = listener), () => {}),
      listAgentsPage: async (cursor, limit) => {
        asked.push(cursor);
        if (cursor === null) push!({ upserts: [makeAgent('early')], removed: [] }); // before the first page: dropped
        if (cursor !== null && failOnce) {
          failOnce = false;
          return { ok: false, error: { code: 'storage_error', message: 'busy' } };
        }
        const start = cursor === null ? 0 : fleet.findIndex((a) => a.id === cursor) + 1;
        const agents = fleet.slice(start, start + limit);
        return { ok: true, value: { agents, nextCursor: start + limit < fleet.length ? agents.at(-1)!.id : null } };
      },
    });
    const applied: AgentDelta[] = [];
    const stop = followBridge(api, (d) => {
      applied.push(d);
      if (applied.length === 1) push!({ upserts: [makeAgent('late')], removed: [] }); // after it: applied
    }, () => {});
    const deadline = Date.now() + 5_000;
    while (!applied.some((d) => d.loading === false) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    stop();
    const pages = applied.filter((d) => d.loading !== undefined);
    expect(pages.map((d) => [d.upserts.length, d.reset ?? false, d.loading])).toEqual([
      [LOAD_PAGE, true, true],
      [LOAD_PAGE, false, true],
      [3, false, false],
    ]);
    expect(pages.flatMap((d) => d.upserts.map((a) => a.id))).toEqual(fleet.map((a) => a.id));
    expect(asked).toEqual([null, fleet[LOAD_PAGE - 1]!.id, fleet[LOAD_PAGE - 1]!.id, fleet[2 * LOAD_PAGE - 1]!.id]);
    expect(applied.flatMap((d) => d.upserts.map((a) => a.id))).toContain('late');
    expect(applied.flatMap((d) => d.upserts.map((a) => a.id))).not.toContain('early');
  });
});
