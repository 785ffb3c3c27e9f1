/**
 * Issue 17: list reads join each agent's cached wire JSON. What they answer
 * must be byte for byte what serializing the agents afresh gives, after any
 * write: a differential property test over random writes and reads, and one
 * test per kind of write that fails if that write leaves its agent's text
 * stale. The reference is `service.list()` (the rows as read now, pending
 * heartbeats over them) through `toWireAgent` and `JSON.stringify`, which no
 * cache is in the way of. Real SQLite, fake clock.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Labels } from '../../../shared/agent';
import { AGENT_STATUSES, type AgentStatus, type ExhaustReason, type SlotType } from '../../../shared/status';
import type { Usage } from '../../../shared/usage';
import { toWireAgent } from '../../../shared/wire';
import { agentListJson, agentSnapshotPages, encodeCursor, SLICE_AGENTS, type AgentQuery } from '../../../electron/core/http/agent-list';
import { Sweeper } from '../../../electron/core/sweeper';
import { FakeTimers } from '../../support/fake-clock';
import { createFleet, TIMEOUT_MS, type Fleet } from '../../support/fleet-fixture';
import { startPortFixture, type PortFixture } from '../../support/port-fixture';

const HOUR = 3_600_000;

/** The body of a list read as the port sends it: every chunk's bytes (text as UTF-8), decoded. */
const read = (fleet: Fleet, query: AgentQuery = { statuses: undefined, page: undefined }) =>
  Buffer.concat([...agentListJson(fleet.service, query)].map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk))).toString('utf8');

/** The same body made the way it was before the cache: every agent serialized afresh from what the store and the pending beats say. */
function reference(fleet: Fleet, query: AgentQuery = { statuses: undefined, page: undefined }): string {
  const { statuses, page } = query;
  const matching = fleet.service.list().filter((agent) => !statuses || statuses.has(agent.status));
  if (!page) return JSON.stringify({ agents: matching.map(toWireAgent) });
  const after = matching.filter((agent) => agent.id > page.after);
  const sent = after.slice(0, page.limit);
  return JSON.stringify({ agents: sent.map(toWireAgent), next_cursor: after.length > page.limit ? encodeCursor(sent.at(-1)!.id) : null });
}

/** The paged snapshot's pages, and the same pages made afresh. */
const snapshotPages = (fleet: Fleet) => [...agentSnapshotPages(fleet.service)];
function referencePages(fleet: Fleet): string[] {
  const agents = fleet.service.list().map(toWireAgent);
  const pages: string[] = [];
  for (let i = 0; i === 0 || i < agents.length; i += SLICE_AGENTS) {
    const last = i + SLICE_AGENTS >= agents.length;
    pages.push(JSON.stringify({ agents: agents.slice(i, i + SLICE_AGENTS), last }));
  }
  return pages;
}

/** Agents `a000`… registered and committed, every third with a name and labels. */
function seed(fleet: Fleet, n: number): void {
  fleet.db.transaction(() => {
    for (let i = 0; i < n; i++) {
      fleet.service.recordHeartbeat(agentId(i), i % 3 ? undefined : { name: `agent ${i}`, labels: { team: i % 2 ? 'infra' : 'web' } });
    }
  })();
}
const agentId = (i: number) => `a${String(i).padStart(3, '0')}`;

/** How many texts a full read had to make: 0 once every agent's is cached. */
function made(fleet: Fleet): number {
  let total = 0;
  for (let after = '', more = true; more; ) {
    const slice = fleet.service.listJsonPage(after, SLICE_AGENTS);
    total += slice.made;
    more = slice.agents.length === SLICE_AGENTS;
    after = slice.agents.at(-1)?.id ?? '';
  }
  return total;
}

/** A task that does what SQLite does on some errors (SQLITE_FULL, SQLITE_IOERR): rolls the whole transaction back, and fails. */
const loseTheTransaction = (fleet: Fleet) => (): never => {
  fleet.db.exec('ROLLBACK');
  throw new Error('disk I/O error');
};

// ---- the differential property ------------------------------------------------------

type Op =
  | { kind: 'beat'; id: string; name?: string; labels?: Labels; usage?: Usage }
  | { kind: 'busy'; id: string; slot: SlotType }
  | { kind: 'idle' | 'offline' | 'recover' | 'forget'; id: string }
  | { kind: 'exhausted' | 'forceExhaust'; id: string; reason: ExhaustReason; delay: number | null }
  | { kind: 'waiting'; id: string; message: string | null }
  | { kind: 'bulkRecover' | 'bulkExhaust'; ids: string[] }
  | { kind: 'lostGroup'; id: string }
  | { kind: 'flush' | 'sweep' | 'retention' }
  | { kind: 'advance'; ms: number }
  | { kind: 'wallBack'; ms: number }
  | { kind: 'read'; statuses: AgentStatus[] | null; limit: number | null; after: string };

/** A few agents at the seeded fleet's slice edges, and a few the operations register. */
const ids = ['a000', 'a001', 'a099', 'a100', 'a101', 'a199', 'a200', 'a249', 'a100-new', 'z-new'];
const SEEDED = 250;
const id = fc.constantFrom(...ids);
const usage = fc.dictionary(fc.constantFrom('five_hour', 'seven_day'), fc.record({ usedPercent: fc.integer({ min: 0, max: 100 }), resetsAt: fc.constantFrom(null, Date.UTC(2026, 0, 2)) }), {
  maxKeys: 2,
}) as fc.Arbitrary<Usage>;
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('beat' as const), id }) },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        kind: fc.constant('beat' as const),
        id,
        // Non-ASCII too: a chunk holding such an agent is sent as UTF-8 text, the others as Latin-1 bytes.
        name: fc.constantFrom('A', 'B', 'Ünïcødé', '🤖 bot'),
        labels: fc.constantFrom<Labels>({}, { team: 'x' }, { team: 'y', host: 'h' }, { équipe: 'ñ' }),
        usage,
      },
      { requiredKeys: ['kind', 'id'] },
    ),
  },
  fc.record({ kind: fc.constant('busy' as const), id, slot: fc.constantFrom<SlotType>('work', 'on_call') }),
  fc.record({ kind: fc.constantFrom('idle' as const, 'offline' as const, 'recover' as const, 'forget' as const), id }),
  fc.record({
    kind: fc.constantFrom('exhausted' as const, 'forceExhaust' as const),
    id,
    reason: fc.constantFrom<ExhaustReason>('rate_limit', 'billing'),
    delay: fc.option(fc.integer({ min: 0, max: 10 * 60_000 }), { nil: null }),
  }),
  fc.record({ kind: fc.constant('waiting' as const), id, message: fc.option(fc.constantFrom('may I?', 'which one?'), { nil: null }) }),
  fc.record({ kind: fc.constantFrom('bulkRecover' as const, 'bulkExhaust' as const), ids: fc.subarray(ids, { minLength: 1 }) }),
  fc.record({ kind: fc.constant('lostGroup' as const), id }),
  fc.record({ kind: fc.constantFrom('flush' as const, 'sweep' as const, 'retention' as const) }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.oneof(fc.integer({ min: 1, max: 5_000 }), fc.constant(TIMEOUT_MS + 1)) }),
  fc.record({ kind: fc.constant('wallBack' as const), ms: fc.integer({ min: 1, max: HOUR }) }),
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('read' as const),
      statuses: fc.option(fc.subarray([...AGENT_STATUSES], { minLength: 1 }), { nil: null }),
      limit: fc.option(fc.constantFrom(1, 7, SLICE_AGENTS, 150, 10_000), { nil: null }),
      after: fc.constantFrom('', 'a050', 'a100', 'a2'),
    }),
  },
);

/** Runs one operation; refusals (a rule, an unknown agent, a full fleet) are outcomes, not failures. */
function apply(fleet: Fleet, sweeper: Sweeper, o: Op): void {
  const { service, clock } = fleet;
  const recoveryAt = (delay: number | null) => (delay === null ? null : clock.now() + delay);
  try {
    switch (o.kind) {
      case 'beat':
        service.recordHeartbeat(o.id, o.name === undefined && o.labels === undefined && o.usage === undefined ? undefined : { name: o.name, labels: o.labels, usage: o.usage });
        return;
      case 'busy':
        service.reportBusy(o.id, o.slot);
        return;
      case 'idle':
        service.reportIdle(o.id);
        return;
      case 'offline':
        service.reportOffline(o.id);
        return;
      case 'recover':
        service.recover(o.id);
        return;
      case 'forget':
        service.forget(o.id);
        return;
      case 'exhausted':
        service.reportExhausted(o.id, { reason: o.reason, recoveryAt: recoveryAt(o.delay) });
        return;
      case 'forceExhaust':
        service.forceExhaust(o.id, { reason: o.reason, recoveryAt: recoveryAt(o.delay) });
        return;
      case 'waiting':
        service.reportActivity(o.id, { op: { kind: 'heartbeat' }, waiting: o.message === null ? null : { kind: 'question', message: o.message } });
        return;
      case 'bulkRecover':
        service.bulk(o.ids, (each) => service.recover(each));
        return;
      case 'bulkExhaust':
        service.bulk(o.ids, (each) => service.forceExhaust(each, { reason: 'billing' }));
        return;
      case 'lostGroup':
        service.runGrouped([() => service.reportBusy(o.id, 'work'), loseTheTransaction(fleet)]);
        return;
      case 'flush':
        fleet.timeouts.runAll();
        return;
      case 'sweep':
        sweeper.tick();
        return;
      case 'retention':
        service.forgetOfflineSince(clock.now(), 3);
        return;
      case 'advance':
        clock.advance(o.ms);
        return;
      case 'wallBack':
        clock.setWall(clock.now() - o.ms);
        for (let cursor: number | null = 0; cursor !== null; ) cursor = service.settleFutureTimes(cursor, 100).next;
        return;
      case 'read': {
        const query: AgentQuery = { statuses: o.statuses ? new Set(o.statuses) : undefined, page: o.limit === null ? undefined : { limit: o.limit, after: o.after } };
        expect(read(fleet, query)).toBe(reference(fleet, query));
        return;
      }
    }
  } catch (error) {
    if (!(error instanceof Error && 'code' in error)) throw error;
  }
}

describe('list reads from the cached JSON, against serializing afresh', () => {
  it('after any sequence of writes, every read is byte for byte the fresh serialization', () => {
    const numRuns = Number(process.env.FC_NUM_RUNS ?? 100);
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const fleet = createFleet({ groupCommit: true });
        const sweeper = new Sweeper(fleet.service, fleet.clock, new FakeTimers(fleet.clock), { intervalMs: 1_000, heartbeatTimeoutMs: TIMEOUT_MS, stallThresholdMs: Number.POSITIVE_INFINITY });
        try {
          seed(fleet, SEEDED);
          // Warm: every agent's text is cached, so what follows tests what writes leave in it.
          expect(read(fleet)).toBe(reference(fleet));
          for (const o of ops) {
            apply(fleet, sweeper, o);
            expect(read(fleet)).toBe(reference(fleet));
          }
          expect(snapshotPages(fleet)).toEqual(referencePages(fleet));
        } finally {
          sweeper.dispose();
          fleet.close();
        }
      }),
      { numRuns },
    );
  });
});

// ---- each kind of write -----------------------------------------------------------

describe('a write leaves no stale text: after each kind, the next read shows it', () => {
  let fleet: Fleet;
  let sweeper: Sweeper;
  afterEach(() => {
    sweeper.dispose();
    fleet.close();
  });

  /** Each write changes what a read of the fleet says; `prepare` runs before the read that warms the cache. */
  const writes: [string, (f: Fleet, s: Sweeper) => void, ((f: Fleet) => void)?][] = [
    ['a status change (busy)', (f) => f.service.reportBusy('a001', 'work')],
    ['a status change (idle)', (f) => f.service.reportIdle('a001'), (f) => f.service.reportBusy('a001', 'on_call')],
    ['an agent going offline', (f) => f.service.reportOffline('a001')],
    ['a heartbeat, answered and not yet written', (f) => (f.clock.advance(5_000), f.service.recordHeartbeat('a001'))],
    ['a heartbeat, group-committed', (f) => (f.clock.advance(5_000), f.service.recordHeartbeat('a001'), f.timeouts.runAll())],
    ['a heartbeat with usage, group-committed', (f) => (f.service.recordHeartbeat('a001', { usage: { five_hour: { usedPercent: 42, resetsAt: null } } }), f.timeouts.runAll())],
    ['a heartbeat bringing an offline agent back', (f) => (f.clock.advance(5_000), f.service.recordHeartbeat('a001')), (f) => f.service.reportOffline('a001')],
    ['a name change', (f) => f.service.recordHeartbeat('a001', { name: 'renamed' })],
    ['a labels change', (f) => f.service.recordHeartbeat('a001', { labels: { team: 'moved' } })],
    ['a waiting fact', (f) => f.service.reportActivity('a001', { op: { kind: 'heartbeat' }, waiting: { kind: 'permission', message: 'may I?' } })],
    ['a registration', (f) => f.service.recordHeartbeat('a001-new')],
    ['a forget (DELETE)', (f) => f.service.forget('a001')],
    ['an exhaustion the agent reports', (f) => f.service.reportExhausted('a001', { reason: 'rate_limit', recoveryAt: null })],
    ['an operator exhaust', (f) => f.service.forceExhaust('a001', { reason: 'billing', recoveryAt: f.clock.now() + HOUR })],
    ['an operator recover', (f) => f.service.recover('a001'), (f) => f.service.forceExhaust('a001', { reason: 'billing' })],
    ['a bulk exhaust', (f) => f.service.bulk(['a001', 'a150'], (each) => f.service.forceExhaust(each, { reason: 'rate_limit' }))],
    ['a bulk recover', (f) => f.service.bulk(['a001', 'a150'], (each) => f.service.recover(each)), (f) => f.service.bulk(['a001', 'a150'], (each) => f.service.forceExhaust(each, { reason: 'rate_limit' }))],
    ['the sweeper taking silent agents offline', (f, s) => (f.clock.advance(TIMEOUT_MS + 1_000), s.tick())],
    ['the sweeper recovering an exhausted agent', (f, s) => (f.clock.advance(2 * 60_000), s.tick()), (f) => f.service.reportExhausted('a001', { reason: 'rate_limit', recoveryAt: f.clock.now() + 60_000 })],
    ['retention forgetting long-offline agents', (f) => (f.clock.advance(HOUR), f.service.forgetOfflineSince(f.clock.now(), 10)), (f) => f.service.reportOffline('a001')],
    [
      'the clock going back (future times settled)',
      (f) => {
        f.clock.setWall(f.clock.now() - HOUR);
        f.service.settleFutureTimes();
      },
    ],
  ];

  it.each(writes)('%s', (_name, write, prepare) => {
    fleet = createFleet({ groupCommit: true });
    sweeper = new Sweeper(fleet.service, fleet.clock, new FakeTimers(fleet.clock), { intervalMs: 1_000, heartbeatTimeoutMs: TIMEOUT_MS, stallThresholdMs: Number.POSITIVE_INFINITY });
    seed(fleet, SLICE_AGENTS * 2 + 17);
    prepare?.(fleet);
    fleet.timeouts.runAll();
    const before = read(fleet);
    expect(made(fleet)).toBe(0);
    write(fleet, sweeper);
    const after = read(fleet);
    expect(after).not.toBe(before);
    expect(after).toBe(reference(fleet));
    // Kept again by that read, and still right.
    expect(made(fleet)).toBe(fleet.timeouts.size > 0 ? 1 : 0);
    expect(read(fleet)).toBe(reference(fleet));
  });

  it('a write rolled back (its transaction lost) is not read, and its agent reads as committed', () => {
    fleet = createFleet({ groupCommit: true });
    sweeper = new Sweeper(fleet.service, fleet.clock, new FakeTimers(fleet.clock), { intervalMs: 1_000, heartbeatTimeoutMs: TIMEOUT_MS, stallThresholdMs: Number.POSITIVE_INFINITY });
    seed(fleet, 20);
    const before = read(fleet);
    const outcomes = fleet.service.runGrouped([() => fleet.service.reportBusy('a001', 'work'), loseTheTransaction(fleet)]);
    expect(outcomes.every((o) => !o.ok)).toBe(true);
    expect(read(fleet)).toBe(before);
    expect(read(fleet)).toBe(reference(fleet));
  });

  it('costs one text per agent, dropped when the agent is forgotten', () => {
    fleet = createFleet({ groupCommit: true });
    sweeper = new Sweeper(fleet.service, fleet.clock, new FakeTimers(fleet.clock), { intervalMs: 1_000, heartbeatTimeoutMs: TIMEOUT_MS, stallThresholdMs: Number.POSITIVE_INFINITY });
    seed(fleet, 30);
    expect(fleet.service.cachedJsonCount).toBe(0); // filled by reads, not by writes
    expect(made(fleet)).toBe(30);
    expect(made(fleet)).toBe(0);
    expect(fleet.service.cachedJsonCount).toBe(30);
    for (let i = 0; i < 10; i++) fleet.service.forget(agentId(i));
    expect(fleet.service.cachedJsonCount).toBe(20);
    expect(made(fleet)).toBe(0);
    fleet.service.recordHeartbeat('new');
    fleet.service.reportBusy(agentId(10), 'work');
    expect(fleet.service.cachedJsonCount).toBe(19);
    expect(made(fleet)).toBe(2);
    expect(fleet.service.cachedJsonCount).toBe(21);
  });
});

describe('chunks', () => {
  it('an all-ASCII chunk goes as its bytes, one with a non-ASCII agent as text, and the body is the same either way', () => {
    const fleet = createFleet();
    try {
      seed(fleet, SLICE_AGENTS * 12);
      read(fleet);
      const ascii = [...agentListJson(fleet.service, { statuses: undefined, page: undefined })];
      expect(ascii.length).toBeGreaterThan(1);
      expect(ascii.every((chunk) => chunk instanceof Uint8Array)).toBe(true);
      fleet.service.recordHeartbeat('a005', { name: 'Zoë 🤖' });
      const mixed = [...agentListJson(fleet.service, { statuses: undefined, page: undefined })];
      expect(mixed.map((chunk) => typeof chunk)).toEqual(['string', ...ascii.slice(1).map(() => 'object')]);
      expect(read(fleet)).toBe(reference(fleet));
      expect(JSON.parse(read(fleet)).agents[5].name).toBe('Zoë 🤖');
    } finally {
      fleet.close();
    }
  });
});

describe('over HTTP: read-your-writes with the cache warm', () => {
  let port: PortFixture | undefined;
  afterEach(async () => {
    await port?.stop();
    port = undefined;
  });

  it('a write acknowledged before GET /v1/agents is in it, a group-committed heartbeat from the moment it is answered', async () => {
    port = await startPortFixture({ groupCommit: true });
    seed(port, SLICE_AGENTS + 5);
    expect((await port.call({ path: '/v1/agents' })).text).toBe(reference(port));
    port.clock.advance(5_000);
    expect((await port.call({ method: 'POST', path: '/v1/agents/a001/busy', body: { slot_type: 'work' } })).status).toBe(200);
    expect((await port.call({ method: 'POST', path: '/v1/agents/a003/heartbeat', body: { labels: { team: 'nëw 🤖' } } })).status).toBe(200);
    expect((await port.operator({ method: 'DELETE', path: '/v1/agents/a004' })).status).toBe(200);
    // Last: any commit after it would write it.
    expect((await port.call({ method: 'POST', path: '/v1/agents/a002/heartbeat' })).status).toBe(200);
    expect(port.timeouts.size).toBe(1); // a002's beat is answered, not yet written
    const listed = (await port.call({ path: '/v1/agents' })).text;
    expect(listed).toBe(reference(port));
    const agents = (JSON.parse(listed) as { agents: { id: string; status: string; last_heartbeat: string; labels: Labels }[] }).agents;
    const byId = new Map(agents.map((a) => [a.id, a]));
    expect(byId.get('a001')!.status).toBe('busy');
    expect(byId.get('a002')!.last_heartbeat).toBe(new Date(port.clock.now()).toISOString());
    expect(byId.get('a003')!.labels).toEqual({ team: 'nëw 🤖' });
    expect(byId.has('a004')).toBe(false);
    port.timeouts.runAll();
    expect((await port.call({ path: '/v1/agents?status=busy,idle&limit=50' })).text).toBe(reference(port, { statuses: new Set(['busy', 'idle']), page: { limit: 50, after: '' } }));
  });

  it('a text that SQLite stores otherwise than written (a lone surrogate in a limit message) is read warm as it is read cold: from the row', async () => {
    port = await startPortFixture({ groupCommit: true });
    seed(port, 3);
    await port.call({ path: '/v1/agents' });
    const exhausted = await port.call({ method: 'POST', path: '/v1/agents/a001/exhausted', body: { message: "You've hit your usage limit \ud800 · resets 3pm" } });
    expect(exhausted.status).toBe(200);
    // Warm (the ids kept, the agent's text made again) and cold (the rows as stored): the same bytes.
    const warm = (await port.call({ path: '/v1/agents' })).text;
    expect(warm).toBe(reference(port));
    expect((await port.call({ path: '/v1/agents' })).text).toBe(warm);
  });
});
