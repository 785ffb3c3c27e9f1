/**
 * A status move's row write (AgentRepository.update, through RowUpdate)
 * writes only the columns the move changed: whatever the two agents are, the
 * row read back is the agent after the move (its creation time kept), and a
 * column the move left alone is not rewritten.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../../../shared/agent';
import { AGENT_STATUSES, EXHAUST_REASONS, RECOVERY_SOURCES, WAITING_KINDS } from '../../../../shared/status';
import { EMPTY_USAGE } from '../../../../shared/usage';
import { AgentRepository } from '../../../../electron/core/store/agent-repository';
import { openDatabase } from '../../../../electron/core/store/open-database';

const db = openDatabase(':memory:');
const repo = new AgentRepository(db);
afterAll(() => db.close());

const time = fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 });
const agentFields = fc.record({
  name: fc.option(fc.string({ maxLength: 12 }), { nil: null }),
  labels: fc.dictionary(fc.constantFrom('team', 'host', 'region'), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
  status: fc.constantFrom(...AGENT_STATUSES),
  statusSince: time,
  lastHeartbeat: time,
  exhaustedAt: fc.option(time, { nil: null }),
  recoveryAt: fc.option(time, { nil: null }),
  exhaustReason: fc.option(fc.constantFrom(...EXHAUST_REASONS), { nil: null }),
  recoverySource: fc.option(fc.constantFrom(...RECOVERY_SOURCES), { nil: null }),
  exhaustExcerpt: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
  usage: fc.oneof(fc.constant(EMPTY_USAGE), fc.constant({ five_hour: { usedPercent: 40, resetsAt: 1_750_000_000_000 } })),
  waiting: fc.option(fc.record({ kind: fc.constantFrom(...WAITING_KINDS), message: fc.string({ maxLength: 10 }), since: time }), { nil: null }),
  lastSeen: time,
});

/** `after`: each field of `before` kept (the same value, objects the same object) or replaced. */
const moves = fc.tuple(agentFields, agentFields, fc.array(fc.boolean(), { minLength: 13, maxLength: 13 })).map(([before, other, keep]) => {
  const after = { ...before } as Record<string, unknown>;
  Object.keys(before).forEach((field, i) => {
    if (!keep[i]) after[field] = (other as Record<string, unknown>)[field];
  });
  return [before, after as typeof before] as const;
});

let n = 0;
describe('AgentRepository.update', () => {
  it('leaves the row as the agent after the move, whichever fields it changed', () => {
    fc.assert(
      fc.property(moves, time, ([beforeFields, afterFields], createdAt) => {
        const id = `row-${n++}`;
        const before: Agent = { id, createdAt, ...beforeFields };
        const after: Agent = { id, createdAt, ...afterFields };
        repo.save(before);
        repo.update(before, after);
        expect(repo.get(id)).toEqual(after);
      }),
      { numRuns: 500 },
    );
  });

  it('rewrites only the columns the move changed', () => {
    const before: Agent = {
      id: 'only-changed', createdAt: 1, name: 'A', labels: { team: 'x' }, status: 'idle', statusSince: 1, lastHeartbeat: 1,
      exhaustedAt: null, recoveryAt: null, exhaustReason: null, recoverySource: null, exhaustExcerpt: null, usage: EMPTY_USAGE, waiting: null, lastSeen: 1,
    };
    repo.save(before);
    // A write behind the repository's back: a column the move leaves alone must keep it.
    db.prepare("UPDATE agents SET name = 'behind' WHERE id = 'only-changed'").run();
    repo.update(before, { ...before, status: 'busy', statusSince: 2, lastHeartbeat: 2, lastSeen: 2 });
    expect(repo.get('only-changed')).toMatchObject({ name: 'behind', status: 'busy', statusSince: 2, lastHeartbeat: 2, lastSeen: 2 });
  });

  it('throws when the agent has no row', () => {
    const ghost: Agent = {
      id: 'ghost', createdAt: 1, name: null, labels: {}, status: 'idle', statusSince: 1, lastHeartbeat: 1,
      exhaustedAt: null, recoveryAt: null, exhaustReason: null, recoverySource: null, exhaustExcerpt: null, usage: EMPTY_USAGE, waiting: null, lastSeen: 1,
    };
    expect(() => repo.update(ghost, { ...ghost, status: 'busy' })).toThrow(/no row to update/);
  });
});
