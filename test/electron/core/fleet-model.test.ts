/**
 * Model-based test: thousands of random operation sequences run against the
 * real service + sweeper (over real SQLite, fake clock) and against a tiny,
 * independently written model of the reference rules. After every step the
 * two must agree on the outcome and on every agent's status fields.
 * FC_NUM_RUNS sets the number of sequences (default 2,000).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import type { ExhaustReason, SlotType } from '../../../shared/status';
import { Sweeper } from '../../../electron/core/sweeper';
import { AgentRepository } from '../../../electron/core/store/agent-repository';
import { FakeTimers } from '../../support/fake-clock';
import { createFleet, DEFAULT_RECOVERY_MS, TIMEOUT_MS, type Fleet } from '../../support/fleet-fixture';

type Status = 'idle' | 'busy' | 'on_call' | 'offline' | 'exhausted';

interface ModelAgent {
  status: Status;
  lastHeartbeat: number;
  exhaustedAt: number | null;
  recoveryAt: number | null;
  exhaustReason: ExhaustReason | null;
}

interface Model {
  wall: number;
  mono: number;
  lastTickWall: number;
  lastTickMono: number;
  graceFrom: number;
  /** How late a tick must be to count as a stall (the sweeper's `stallThresholdMs`). */
  stallMs: number;
  agents: Map<string, ModelAgent>;
}

type Real = Fleet & { readonly sweeper: Sweeper; /** The rows as stored, read past every cache. */ readonly rows: AgentRepository };

/** What a step returned: the resulting status, or the error's code and message. */
type Outcome = string;

const INTERVAL_MS = 1000;

function createReal(groupCommit: boolean, stallThresholdMs: number): Real {
  const fleet = createFleet({ groupCommit });
  const sweeper = new Sweeper(fleet.service, fleet.clock, new FakeTimers(fleet.clock), {
    intervalMs: INTERVAL_MS,
    heartbeatTimeoutMs: TIMEOUT_MS,
    stallThresholdMs,
  });
  sweeper.start();
  return { ...fleet, sweeper, rows: new AgentRepository(fleet.db) };
}

// ---- the model: the reference rules, written out plainly -------------------

const fresh = (now: number): ModelAgent => ({ status: 'idle', lastHeartbeat: now, exhaustedAt: null, recoveryAt: null, exhaustReason: null });
const refuse = (id: string, status: Status, allowed: string) => `invalid_transition:Agent '${id}' is ${status}; expected one of [${allowed}]`;
const toIdle = (a: ModelAgent, now: number) => Object.assign(a, { status: 'idle', lastHeartbeat: now, exhaustedAt: null, recoveryAt: null, exhaustReason: null });
const toExhausted = (a: ModelAgent, now: number, reason: ExhaustReason, delay: number | null) =>
  Object.assign(a, { status: 'exhausted', exhaustedAt: now, exhaustReason: reason, recoveryAt: now + (delay ?? DEFAULT_RECOVERY_MS) });

function modelAgent(m: Model, id: string, register: boolean): ModelAgent | undefined {
  let a = m.agents.get(id);
  if (!a && register) m.agents.set(id, (a = fresh(m.wall)));
  return a;
}

function modelTick(m: Model): void {
  const skew = m.wall - m.lastTickWall - (m.mono - m.lastTickMono);
  // Ticks come every interval; a later one means the process did not run (a stall).
  const late = m.mono - m.lastTickMono - INTERVAL_MS;
  if (Math.abs(skew) >= 2000 || late >= m.stallMs) m.graceFrom = m.wall;
  // After the wall clock went back, recorded moments ahead of it are now.
  if (skew <= -2000) {
    for (const a of m.agents.values()) {
      a.lastHeartbeat = Math.min(a.lastHeartbeat, m.wall);
      if (a.exhaustedAt !== null) a.exhaustedAt = Math.min(a.exhaustedAt, m.wall);
    }
  }
  m.lastTickWall = m.wall;
  m.lastTickMono = m.mono;
  for (const a of m.agents.values()) {
    if (a.status !== 'offline' && m.wall - Math.max(a.lastHeartbeat, m.graceFrom) > TIMEOUT_MS) a.status = 'offline';
  }
  for (const a of m.agents.values()) {
    if (a.status === 'exhausted' && a.recoveryAt !== null && m.wall >= a.recoveryAt) toIdle(a, m.wall);
  }
}

// ---- commands ---------------------------------------------------------------

class Step implements fc.Command<Model, Real> {
  constructor(
    private readonly label: string,
    private readonly onModel: (m: Model) => Outcome,
    private readonly onReal: (r: Real) => unknown,
  ) {}

  check(): boolean {
    return true;
  }

  run(m: Model, r: Real): void {
    const expected = this.onModel(m);
    let actual: Outcome;
    try {
      const value = this.onReal(r);
      actual = typeof value === 'object' && value !== null && 'status' in value ? String(value.status) : 'ok';
    } catch (error) {
      if (!(error instanceof FleetError)) throw error;
      actual = `${error.code}:${error.message}`;
    }
    expect(actual).toBe(expected);
    const real = Object.fromEntries(
      r.service.list().map((a) => [a.id, { status: a.status, lastHeartbeat: a.lastHeartbeat, exhaustedAt: a.exhaustedAt, recoveryAt: a.recoveryAt, exhaustReason: a.exhaustReason }]),
    );
    expect(real).toEqual(Object.fromEntries([...m.agents].sort(([x], [y]) => x.localeCompare(y))));
    // What the service answers from its caches is the row as stored, every field (a status move
    // writes only the columns it changed, from the agent the service holds): only a heartbeat
    // held for the group commit may be ahead of the file, in its two times.
    for (const agent of r.service.list()) {
      const row = r.rows.get(agent.id);
      const held = r.service.options.heartbeatBatching !== undefined;
      expect(held ? { ...row, lastHeartbeat: 0, lastSeen: 0 } : row, `${agent.id} as stored`).toEqual(held ? { ...r.service.find(agent.id), lastHeartbeat: 0, lastSeen: 0 } : r.service.find(agent.id));
    }
  }

  toString(): string {
    return this.label;
  }
}

const id = fc.constantFrom('a1', 'a2', 'a3');
const reason = fc.constantFrom<ExhaustReason>('rate_limit', 'billing');
const slot = fc.constantFrom<SlotType>('work', 'on_call');
const delay = fc.option(fc.integer({ min: 0, max: 10 * 60_000 }), { nil: null });
const notFound = (i: string) => `not_found:Agent '${i}' not found`;

const commands = [
  id.map((i) => new Step(`heartbeat(${i})`, (m) => {
    const a = modelAgent(m, i, true)!;
    if (a.status === 'offline') toIdle(a, m.wall);
    a.lastHeartbeat = m.wall;
    return a.status;
  }, (r) => r.service.recordHeartbeat(i))),
  fc.tuple(id, slot).map(([i, s]) => new Step(`busy(${i}, ${s})`, (m) => {
    const a = modelAgent(m, i, true)!;
    if (a.status !== 'idle') return refuse(i, a.status, 'idle');
    Object.assign(a, { status: s === 'on_call' ? 'on_call' : 'busy', lastHeartbeat: m.wall });
    return a.status;
  }, (r) => r.service.reportBusy(i, s))),
  id.map((i) => new Step(`idle(${i})`, (m) => {
    const known = m.agents.has(i);
    const a = modelAgent(m, i, true)!;
    if (!known) return 'idle';
    if (a.status === 'idle') return refuse(i, 'idle', 'busy, on_call, exhausted, offline');
    return toIdle(a, m.wall).status;
  }, (r) => r.service.reportIdle(i))),
  fc.tuple(id, reason, delay).map(([i, why, d]) => new Step(`exhausted(${i}, ${why}, ${d})`, (m) =>
    toExhausted(modelAgent(m, i, true)!, m.wall, why, d).status,
  (r) => r.service.reportExhausted(i, { reason: why, recoveryAt: d === null ? null : r.clock.now() + d }))),
  fc.tuple(id, reason, delay).map(([i, why, d]) => new Step(`forceExhaust(${i}, ${why}, ${d})`, (m) => {
    const a = modelAgent(m, i, false);
    return a ? toExhausted(a, m.wall, why, d).status : notFound(i);
  }, (r) => r.service.forceExhaust(i, { reason: why, recoveryAt: d === null ? null : r.clock.now() + d }))),
  id.map((i) => new Step(`recover(${i})`, (m) => {
    const a = modelAgent(m, i, false);
    if (!a) return notFound(i);
    if (a.status === 'idle') return refuse(i, 'idle', 'busy, on_call, exhausted, offline');
    return toIdle(a, m.wall).status;
  }, (r) => r.service.recover(i))),
  id.map((i) => new Step(`forget(${i})`, (m) => (m.agents.delete(i) ? 'ok' : notFound(i)), (r) => void r.service.forget(i))),
  // Half the steps land exactly on the timeout or one millisecond either side of it.
  fc.oneof(fc.integer({ min: 1, max: 130_000 }), fc.constantFrom(TIMEOUT_MS - 1, TIMEOUT_MS, TIMEOUT_MS + 1)).map((ms) => new Step(`advance(${ms})`, (m) => {
    m.wall += ms;
    m.mono += ms;
    return 'ok';
  }, (r) => r.clock.advance(ms))),
  // Around the 2 s jump threshold as often as well past it.
  fc.oneof(fc.integer({ min: 1, max: 4_000 }), fc.integer({ min: 4_000, max: 3_600_000 })).map((ms) => new Step(`suspend(${ms})`, (m) => {
    m.wall += ms;
    return 'ok';
  }, (r) => r.clock.suspend(ms))),
  fc.integer({ min: 1, max: 4_000 }).map((ms) => new Step(`wallBack(${ms})`, (m) => {
    m.wall -= ms;
    return 'ok';
  }, (r) => r.clock.setWall(r.clock.now() - ms))),
];
// Ticks are listed three times so that sequences sweep often, as the real timer does.
const tick = fc.constant(new Step('tick', (m) => (modelTick(m), 'ok'), (r) => r.sweeper.tick()));
commands.push(tick, tick, tick);

// Group commit must not change what anyone can observe; `flush` steps write pending heartbeats at random points.
commands.push(fc.constant(new Step('flush', () => 'ok', (r) => r.timeouts.runAll())));

describe.each([
  ['each heartbeat committed alone', false],
  ['heartbeats group-committed', true],
])('fleet service + sweeper against a model of the reference rules (%s)', (_name, groupCommit) => {
  it('agree on every step of random operation sequences', () => {
    const numRuns = Number(process.env.FC_NUM_RUNS ?? 2000);
    let sequences = 0;
    // No stall detection (every advance is time the process ran), the default 2 s, or in between.
    const stallMs = fc.constantFrom(Number.POSITIVE_INFINITY, 2_000, 60_000);
    fc.assert(
      fc.property(stallMs, fc.commands(commands, { maxCommands: 60 }), (stall, cmds) => {
        sequences++;
        const real = createReal(groupCommit, stall);
        const t = real.clock.now();
        const model: Model = { wall: t, mono: 0, lastTickWall: t, lastTickMono: 0, graceFrom: t, stallMs: stall, agents: new Map() };
        try {
          fc.modelRun(() => ({ model, real }), cmds);
        } finally {
          real.sweeper.dispose();
          real.close();
        }
      }),
      { numRuns },
    );
    expect(sequences).toBeGreaterThanOrEqual(numRuns);
  });
});
