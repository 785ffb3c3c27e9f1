/**
 * Issue 13, reads that stream and page: `GET /v1/agents` in slices (the same
 * body as before when no page is asked), `?limit`/`?cursor`/`?status`, the
 * event stream's sliced and paged snapshots, and the caps on streams.
 */
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { toWireAgent } from '../../../../shared/wire';
import { SLICE_AGENTS } from '../../../../electron/core/http/agent-list';
import { EventStreamHub, type EventStreamOptions, type SnapshotMode, type StreamSource } from '../../../../electron/core/http/event-stream';
import { createFleet, type Fleet } from '../../../support/fleet-fixture';
import { OPERATOR_TOKEN, startPortFixture, type PortFixture } from '../../../support/port-fixture';

let f: PortFixture | undefined;
afterEach(async () => {
  await f?.stop();
  f = undefined;
});

/** Registers `n` agents `a0000`…, every third busy and every fifth exhausted, committed in one transaction. */
function seed(fleet: Fleet, n: number): void {
  fleet.db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = `a${String(i).padStart(4, '0')}`;
      fleet.service.recordHeartbeat(id, { name: `agent ${i}`, labels: { team: i % 2 ? 'infra' : 'web' } });
      if (i % 3 === 0) fleet.service.reportBusy(id, 'work');
      else if (i % 5 === 0) fleet.service.reportExhausted(id, { reason: 'rate_limit' });
    }
  })();
}

type Page = { agents: { id: string; status: string }[]; next_cursor: string | null };

/** Follows next_cursor from the first page to the last; the ids in the order read, and the pages' sizes. */
async function readAllPages(fx: PortFixture, query: string): Promise<{ ids: string[]; sizes: number[] }> {
  const ids: string[] = [];
  const sizes: number[] = [];
  let cursor: string | null = '';
  while (cursor !== null) {
    const res = await fx.call({ path: `/v1/agents?${query}${cursor ? `&cursor=${cursor}` : ''}` });
    expect(res.status).toBe(200);
    const page = res.json as Page;
    expect(Object.keys(page)).toEqual(['agents', 'next_cursor']);
    ids.push(...page.agents.map((a) => a.id));
    sizes.push(page.agents.length);
    cursor = page.next_cursor;
    if (sizes.length > 100) throw new Error('the pages never end');
  }
  return { ids, sizes };
}

describe('GET /v1/agents, streamed in slices', () => {
  it('answers the whole fleet byte for byte as before, sent in chunks with no Content-Length', async () => {
    f = await startPortFixture();
    seed(f, SLICE_AGENTS * 2 + 17);
    const res = await f.call({ path: '/v1/agents' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toBe(JSON.stringify({ agents: f.service.list().map(toWireAgent) }));
  });

  it('an empty fleet is {"agents":[]}; heartbeats answered but not yet written are in the read', async () => {
    f = await startPortFixture({ groupCommit: true });
    expect((await f.call({ path: '/v1/agents' })).text).toBe('{"agents":[]}');
    seed(f, 3);
    f.clock.advance(5_000);
    await f.call({ method: 'POST', path: '/v1/agents/a0001/heartbeat' });
    const listed = (await f.call({ path: '/v1/agents' })).json as { agents: { id: string; last_heartbeat: string }[] };
    expect(listed.agents.find((a) => a.id === 'a0001')!.last_heartbeat).toBe(new Date(f.clock.now()).toISOString());
  });

  it('?status=a,b keeps those statuses, in the whole read and in pages', async () => {
    f = await startPortFixture();
    seed(f, 700);
    const wanted = f.service.list().filter((a) => a.status === 'busy' || a.status === 'exhausted').map((a) => a.id);
    expect(wanted.length).toBeGreaterThan(SLICE_AGENTS);
    const whole = (await f.call({ path: '/v1/agents?status=busy,exhausted' })).json as Page;
    expect(whole.agents.map((a) => a.id)).toEqual(wanted);
    expect(Object.keys(whole)).toEqual(['agents']);
    // Repeated parameters add up too, and a status none has is an empty answer.
    expect(((await f.call({ path: '/v1/agents?status=busy&status=exhausted' })).json as Page).agents.map((a) => a.id)).toEqual(wanted);
    expect((await f.call({ path: '/v1/agents?status=offline' })).text).toBe('{"agents":[]}');
    expect((await readAllPages(f, 'limit=100&status=busy,exhausted')).ids).toEqual(wanted);
  });
});

describe('GET /v1/agents?limit=N&cursor=…', () => {
  it('pages through the fleet in id order: each agent once, next_cursor null on the last page', async () => {
    f = await startPortFixture();
    seed(f, 1_234);
    const all = f.service.list().map((a) => a.id);
    const { ids, sizes } = await readAllPages(f, 'limit=500');
    expect(ids).toEqual(all);
    expect(sizes).toEqual([500, 500, 234]);
  });

  it('a last page that is exactly full still says there is no next one', async () => {
    f = await startPortFixture();
    seed(f, 20);
    const { sizes } = await readAllPages(f, 'limit=10');
    expect(sizes).toEqual([10, 10]);
    const single = (await f.call({ path: '/v1/agents?limit=10000' })).json as Page;
    expect([single.agents.length, single.next_cursor]).toEqual([20, null]);
  });

  it('a cursor alone reads on from there with the largest page; an agent registered behind the cursor is not read twice', async () => {
    f = await startPortFixture();
    seed(f, 30);
    const first = (await f.call({ path: '/v1/agents?limit=10' })).json as Page;
    await f.call({ method: 'POST', path: '/v1/agents/a0000-late/heartbeat' });
    const rest = (await f.call({ path: `/v1/agents?cursor=${first.next_cursor}` })).json as Page;
    expect(rest.agents.map((a) => a.id)).toEqual(f.service.list().map((a) => a.id).slice(11));
    expect(rest.next_cursor).toBeNull();
  });

  it.each([
    ['limit=0', /limit must be a whole number from 1 to 10000/],
    ['limit=10001', /limit must be a whole number from 1 to 10000/],
    ['limit=abc', /limit must be a whole number/],
    ['limit=1.5', /limit must be a whole number/],
    ['limit=', /limit must be a whole number/],
    ['limit=-3', /limit must be a whole number/],
    ['cursor=%21%21', /cursor is not one this server gave/],
    ['cursor=' + Buffer.from('bad id!').toString('base64url'), /cursor is not one this server gave/],
    ['status=sleeping', /status must be a comma-separated list of idle, busy, on_call, offline, exhausted; got 'sleeping'/],
    ['status=', /status must be a comma-separated list/],
    ['status=idle,,busy', /status must be a comma-separated list/],
  ])('?%s is 400 bad_request', async (query, message) => {
    f = await startPortFixture();
    seed(f, 3);
    const res = await f.call({ path: `/v1/agents?${query}` });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('bad_request');
    expect(res.json.error.message).toMatch(message);
  });
});

/** Opens `/v1/stream` with the operator token; the response, not yet read. */
function openStream(port: number, query = ''): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) =>
    http
      .get({ host: '127.0.0.1', port, path: `/v1/stream${query}`, headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } }, resolve)
      .on('error', reject),
  );
}

/** Reads SSE frames (`event`, `data`) until `done` says enough. */
async function readFrames(stream: http.IncomingMessage, done: (frames: { event: string; data: string }[]) => boolean) {
  const frames: { event: string; data: string }[] = [];
  let text = '';
  for await (const chunk of stream) {
    text += (chunk as Buffer).toString('utf8');
    let end: number;
    while ((end = text.indexOf('\n\n')) >= 0) {
      const frame = text.slice(0, end);
      text = text.slice(end + 2);
      const event = /^event: (.*)$/m.exec(frame)?.[1];
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (event && data !== undefined) frames.push({ event, data });
    }
    if (done(frames)) break;
  }
  stream.destroy();
  return frames;
}

/** A hub over `source` behind a bare HTTP server on 127.0.0.1 (no auth): each request becomes a stream with `mode`. */
async function serveHub(fleet: Fleet, source: StreamSource, mode: SnapshotMode, options: EventStreamOptions = {}) {
  const hub = new EventStreamHub(fleet.service.onDidChange, source, options);
  const server = http.createServer((_req, res) => hub.attach(res, mode));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  const close = () => {
    hub.dispose();
    server.close();
    server.closeAllConnections();
  };
  return { hub, port, close };
}

describe('GET /v1/stream snapshots', () => {
  it('?snapshot=1 is still one snapshot event with the whole fleet, sent in slices', async () => {
    f = await startPortFixture();
    seed(f, SLICE_AGENTS * 3);
    const frames = await readFrames(await openStream(f.port.port, '?snapshot=1'), (fr) => fr.length >= 1);
    expect(frames[0]!.event).toBe('snapshot');
    expect(frames[0]!.data).toBe(JSON.stringify({ agents: f.service.list().map(toWireAgent) }));
  });

  it('?snapshot=pages sends the fleet as snapshot_page events, the last one marked; an empty fleet is one empty last page', async () => {
    f = await startPortFixture();
    const empty = await readFrames(await openStream(f.port.port, '?snapshot=pages'), (fr) => fr.length >= 1);
    expect(empty).toEqual([{ event: 'snapshot_page', data: '{"agents":[],"last":true}' }]);

    seed(f, SLICE_AGENTS * 2 + 1);
    const frames = await readFrames(await openStream(f.port.port, '?snapshot=pages'), (fr) => fr.some((x) => JSON.parse(x.data).last));
    const pages = frames.map((x) => JSON.parse(x.data) as { agents: { id: string }[]; last: boolean });
    expect(frames.every((x) => x.event === 'snapshot_page')).toBe(true);
    expect(pages.map((p) => [p.agents.length, p.last])).toEqual([
      [SLICE_AGENTS, false],
      [SLICE_AGENTS, false],
      [1, true],
    ]);
    expect(pages.flatMap((p) => p.agents.map((a) => a.id))).toEqual(f.service.list().map((a) => a.id));
  });

  it('a change made while the snapshot is being sent comes after it, in order, so the client misses nothing', async () => {
    const fleet = createFleet();
    seed(fleet, SLICE_AGENTS * 3);
    // As the second slice is read: a change to an agent already read, the removal of one not yet
    // read, and a registration behind the read's position.
    let changed = false;
    const source = {
      listJsonPage: (after: string, limit: number) => {
        if (after !== '' && !changed) {
          changed = true;
          fleet.service.recover('a0005');
          fleet.service.forget(`a${String(SLICE_AGENTS * 3 - 1).padStart(4, '0')}`);
          fleet.service.recordHeartbeat('a0000-new');
        }
        return fleet.service.listJsonPage(after, limit);
      },
      find: (id: string) => fleet.service.find(id),
    };
    const { port, close } = await serveHub(fleet, source, 'pages');
    try {
      const frames = await readFrames(await openStream(port), (fr) => fr.length >= 3 + 2);
      // The agents already read come after the snapshot as they now are; the one forgotten before its
      // slice was read is simply not in it.
      expect(frames.map((x) => x.event)).toEqual(['snapshot_page', 'snapshot_page', 'snapshot_page', 'agent', 'agent']);
      expect(frames.slice(3).map((x) => (JSON.parse(x.data) as { id: string }).id).sort()).toEqual(['a0000-new', 'a0005']);
      const pages = frames.slice(0, 3).map((x) => JSON.parse(x.data) as { agents: { id: string; status: string }[] });
      expect(pages[0]!.agents.find((a) => a.id === 'a0005')!.status).toBe('exhausted');
      // Applied in order, the snapshot and the events give the fleet as it is.
      const seen = new Map<string, unknown>();
      for (const page of pages) for (const agent of page.agents) seen.set(agent.id, agent);
      for (const { event, data } of frames.slice(3)) {
        const body = JSON.parse(data) as { id: string };
        if (event === 'agent') seen.set(body.id, body);
        else seen.delete(body.id);
      }
      expect([...seen.values()].sort((x, y) => ((x as { id: string }).id < (y as { id: string }).id ? -1 : 1))).toEqual(
        fleet.service.list().map(toWireAgent),
      );
    } finally {
      close();
      fleet.close();
    }
  });

  it('a fleet that changes fast while its snapshot is sent: the snapshot ends, and the changed agents follow once each, as they now are', async () => {
    const fleet = createFleet();
    const AGENTS = SLICE_AGENTS * 30;
    seed(fleet, AGENTS);
    const ids = fleet.service.list().map((a) => a.id);
    // A thousand heartbeats, each a change event, with every slice read: thirty thousand changes in all,
    // far more than the stream's buffer would hold as frames.
    let beats = 0;
    const source = {
      listJsonPage: (after: string, limit: number) => {
        for (let i = 0; i < 1_000; i++) {
          fleet.clock.advance(1);
          fleet.service.recordHeartbeat(ids[(beats++ * 7) % AGENTS]!);
        }
        return fleet.service.listJsonPage(after, limit);
      },
      find: (id: string) => fleet.service.find(id),
    };
    const { port, close } = await serveHub(fleet, source, 'pages', { maxBufferedBytes: 256 * 1024 });
    try {
      let later = false;
      const frames = await readFrames(await openStream(port), (fr) => {
        if (!later && fr.some((x) => x.event === 'snapshot_page' && JSON.parse(x.data).last)) {
          later = true;
          fleet.service.recordHeartbeat('after-the-snapshot'); // caught up with, or sent live
        }
        return fr.some((x) => x.event === 'agent' && JSON.parse(x.data).id === 'after-the-snapshot');
      });
      // Reaching it at all means the client was never dropped on the way (it would have been, with frames queued).
      expect(beats).toBeGreaterThanOrEqual(30_000);
      const lastPage = frames.findIndex((x) => x.event === 'snapshot_page' && JSON.parse(x.data).last);
      const catchUp = frames.slice(lastPage + 1, -1);
      expect(catchUp.length).toBeLessThanOrEqual(AGENTS);
      expect(new Set(catchUp.map((x) => JSON.parse(x.data).id)).size).toBe(catchUp.length);
      const seen = new Map<string, unknown>();
      for (const { event, data } of frames) {
        if (event === 'snapshot_page') for (const agent of (JSON.parse(data) as { agents: { id: string }[] }).agents) seen.set(agent.id, agent);
        else if (event === 'agent') seen.set((JSON.parse(data) as { id: string }).id, JSON.parse(data));
      }
      expect([...seen.values()].sort((x, y) => ((x as { id: string }).id < (y as { id: string }).id ? -1 : 1))).toEqual(
        fleet.service.list().map(toWireAgent),
      );
    } finally {
      close();
      fleet.close();
    }
  });

  it('a client that can never catch up (the fleet changes faster than it is sent) is dropped, not followed for ever', async () => {
    const fleet = createFleet();
    seed(fleet, 200);
    const ids = fleet.service.list().map((a) => a.id);
    let n = 0;
    const source = {
      listJsonPage: (after: string, limit: number) => {
        if (after !== '') fleet.service.recordHeartbeat(ids[0]!); // an agent already read changes: catching up starts
        return fleet.service.listJsonPage(after, limit);
      },
      // Each agent sent while catching up sees two others change: the set of changed agents never empties.
      find: (id: string) => {
        for (let i = 0; i < 2; i++) fleet.service.recordHeartbeat(ids[n++ % ids.length]!);
        return fleet.service.find(id);
      },
    };
    const { hub, port, close } = await serveHub(fleet, source, 'pages');
    try {
      const events = await new Promise<number>((resolve) => {
        let count = 0;
        let text = '';
        http.get({ host: '127.0.0.1', port, path: '/v1/stream' }, (res) => {
          res.on('data', (c: Buffer) => {
            text += c.toString('utf8');
            const frames = text.split('\n\n');
            text = frames.pop()!;
            count += frames.filter((f) => f.startsWith('event: agent\n')).length;
          });
          res.on('error', () => resolve(count));
          res.on('end', () => resolve(count));
        });
      });
      expect(hub.size).toBe(0);
      expect(events).toBeGreaterThan(1_000);
      expect(events).toBeLessThanOrEqual(2 * 200 + 1_000 + 100);
    } finally {
      close();
      fleet.close();
    }
  });

  it('a store that fails mid-snapshot cuts the stream, reported, never ending a partial snapshot as if whole', async () => {
    const fleet = createFleet();
    seed(fleet, SLICE_AGENTS * 3);
    const source = {
      listJsonPage: (after: string, limit: number) => {
        if (after !== '') throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
        return fleet.service.listJsonPage(after, limit);
      },
      find: (id: string) => fleet.service.find(id),
    };
    const errors: unknown[] = [];
    const { hub, port, close } = await serveHub(fleet, source, 'whole', { onError: (e) => errors.push(e) });
    try {
      // Listening from the first byte: the cut can come before the response is handed over.
      const { text, error } = await new Promise<{ text: string; error: unknown }>((resolve) => {
        let body = '';
        http
          .get({ host: '127.0.0.1', port, path: '/v1/stream' }, (res) => {
            res.on('data', (c: Buffer) => (body += c.toString('utf8')));
            res.on('error', (e) => resolve({ text: body, error: e }));
            res.on('end', () => resolve({ text: body, error: null }));
          })
          .on('error', (e) => resolve({ text: body, error: e }));
      });
      expect(error).toMatchObject({ message: 'aborted' });
      expect(text).toMatch(/event: snapshot\ndata: \{"agents":\[/);
      expect(text).not.toMatch(/\]\}\n\n/); // the snapshot event never ended
      expect(errors).toHaveLength(1);
      expect(hub.size).toBe(0);
    } finally {
      close();
      fleet.close();
    }
  });

  it('a consumer that stops reading is dropped once its unsent bytes pass the bound; one that reads is kept', async () => {
    const fleet = createFleet();
    const { hub, port, close } = await serveHub(fleet, fleet.service, 'none', { maxBufferedBytes: 256 * 1024 });
    // A raw client that sends its request and never reads a byte.
    const stalled = net.connect(port, '127.0.0.1');
    stalled.pause();
    stalled.write(`GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    const reader = await openStream(port);
    let readBytes = 0;
    reader.on('data', (c: Buffer) => (readBytes += c.length));
    try {
      while (hub.size < 2) await new Promise((resolve) => setImmediate(resolve));
      // About 10 KB an event: well past the bound plus what the kernel's socket buffers take.
      const labels = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`key${i}`, 'v'.repeat(256)]));
      let sentBytes = 0;
      for (let i = 0; i < 4_000 && hub.size === 2; i++) {
        fleet.service.recordHeartbeat(`big-${i % 50}`, { labels: { ...labels, n: String(i) } });
        sentBytes += 10_000;
        if (i % 5 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      }
      expect(hub.size).toBe(1);
      expect(sentBytes).toBeLessThan(40_000_000);
      // The reader, which kept up, still follows.
      const before = readBytes;
      fleet.service.recordHeartbeat('after-the-drop');
      while (readBytes === before) await new Promise((resolve) => setImmediate(resolve));
    } finally {
      stalled.destroy();
      reader.destroy();
      close();
      fleet.close();
    }
  });

  it('FLEET_MAX_STREAMS: one stream more is 429 too_many_streams; a closed one makes room', async () => {
    f = await startPortFixture({ limits: { maxStreams: 2 } });
    const one = await openStream(f.port.port);
    const two = await openStream(f.port.port, '?snapshot=1');
    const three = await openStream(f.port.port);
    expect([one.statusCode, two.statusCode, three.statusCode]).toEqual([200, 200, 429]);
    const body = JSON.parse(await new Promise<string>((resolve) => {
      let text = '';
      three.on('data', (c: Buffer) => (text += c.toString('utf8'))).on('end', () => resolve(text));
    })) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('too_many_streams');
    expect(body.error.message).toMatch(/At most 2 event streams/);
    expect(three.headers['retry-after']).toBe('5');
    one.destroy();
    await once(one, 'close');
    // The server sees the close on its next turn or so.
    let four: http.IncomingMessage | undefined;
    for (let i = 0; i < 50 && four?.statusCode !== 200; i++) {
      four?.destroy();
      four = await openStream(f.port.port);
    }
    expect(four!.statusCode).toBe(200);
    four!.destroy();
    two.destroy();
  });
});
