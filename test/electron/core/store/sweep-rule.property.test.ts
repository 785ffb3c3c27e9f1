/**
 * One sweep rule, stated twice: the store's queries (HEARTBEAT_DUE_SQL,
 * RECOVERY_DUE_SQL, run through the partial indexes) and the pure predicates
 * of shared/state-machine.ts (isHeartbeatOverdue with heartbeatCutoff,
 * isRecoveryDue), which the reference tests check. Over random fleets and
 * times — with times landing on the cutoff, on now and one millisecond either
 * side as often as elsewhere — real SQLite must pick exactly the agents the
 * pure rules pick, and a whole FleetService.sweep() must leave every agent as
 * the pure checks applied one by one would.
 * FC_NUM_RUNS sets the number of fleets (default 1,000).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../../../shared/agent';
import {
  checkExhaustedRecovery,
  checkHeartbeatTimeout,
  heartbeatCutoff,
  isHeartbeatOverdue,
  isRecoveryDue,
} from '../../../../shared/state-machine';
import { AGENT_STATUSES } from '../../../../shared/status';
import { EMPTY_USAGE } from '../../../../shared/usage';
import { FleetService } from '../../../../electron/core/fleet-service';
import { AgentRepository } from '../../../../electron/core/store/agent-repository';
import { openDatabase } from '../../../../electron/core/store/open-database';
import { FakeClock } from '../../../support/fake-clock';

const numRuns = Number(process.env.FC_NUM_RUNS ?? 1000);
const db = openDatabase(':memory:');
const repo = new AgentRepository(db);
afterAll(() => db.close());

interface Scene {
  readonly now: number;
  readonly timeoutMs: number;
  /** The sweeper's grace moment, if one is in force. */
  readonly graceFrom: number | undefined;
  readonly agents: readonly Agent[];
}

/** A time near `at`: exactly on it, one millisecond either side, or anywhere within `spread`. */
const near = (at: number, spread: number) =>
  fc.oneof(fc.constantFrom(at - 1, at, at + 1), fc.integer({ min: at - spread, max: at + spread }));

const scenes: fc.Arbitrary<Scene> = fc
  .record({
    now: fc.integer({ min: 1_000_000_000_000, max: 4_000_000_000_000 }),
    timeoutMs: fc.oneof(fc.constant(120_000), fc.integer({ min: 1_000, max: 86_400_000 })),
  })
  .chain(({ now, timeoutMs }) => {
    const cutoff = now - timeoutMs;
    const agent = fc
      .record({
        status: fc.constantFrom(...AGENT_STATUSES),
        lastHeartbeat: fc.oneof(near(cutoff, 2 * timeoutMs), near(now, timeoutMs)),
        // Any status may carry a recovery time (an exhausted agent gone offline keeps it).
        recoveryAt: fc.option(near(now, timeoutMs), { nil: null }),
      })
      .map(({ status, lastHeartbeat, recoveryAt }) => ({ status, lastHeartbeat, recoveryAt }));
    return fc.record({
      now: fc.constant(now),
      timeoutMs: fc.constant(timeoutMs),
      graceFrom: fc.option(near(cutoff, 2 * timeoutMs), { nil: undefined }),
      agents: fc.array(agent, { maxLength: 25 }).map((rows) =>
        rows.map(({ status, lastHeartbeat, recoveryAt }, i): Agent => {
          const exhaustion = status === 'exhausted' || recoveryAt !== null;
          return {
            id: `a${String(i).padStart(2, '0')}`,
            name: null,
            labels: {},
            status,
            statusSince: Math.min(lastHeartbeat, now),
            lastHeartbeat,
            lastSeen: lastHeartbeat,
            exhaustedAt: exhaustion ? Math.min(lastHeartbeat, now) : null,
            recoveryAt,
            exhaustReason: exhaustion ? 'rate_limit' : null,
            createdAt: Math.min(lastHeartbeat, now),
            recoverySource: status === 'exhausted' ? 'given' : null,
            exhaustExcerpt: null,
            usage: EMPTY_USAGE,
            waiting: null,
          };
        }),
      ),
    });
  });

/** A fresh table holding exactly `agents`. */
function load(agents: readonly Agent[]): void {
  db.exec('DELETE FROM agents');
  for (const agent of agents) repo.save(agent);
}

const ids = (agents: readonly Agent[]) => agents.map((a) => a.id).sort();

describe('the sweep rule: store queries and pure predicates agree', () => {
  it('heartbeat due and recovery due pick exactly the agents the pure rules pick', () => {
    fc.assert(
      fc.property(scenes, ({ now, timeoutMs, graceFrom, agents }) => {
        load(agents);
        const cutoff = heartbeatCutoff(now, timeoutMs, graceFrom);
        const heartbeatDue = cutoff === null ? [] : repo.heartbeatDue(cutoff, Number.MAX_SAFE_INTEGER);
        expect(ids(heartbeatDue)).toEqual(ids(agents.filter((a) => isHeartbeatOverdue(a, now, timeoutMs, graceFrom))));
        expect(ids(repo.recoveryDue(now, Number.MAX_SAFE_INTEGER))).toEqual(ids(agents.filter((a) => isRecoveryDue(a, now))));
      }),
      { numRuns },
    );
  });

  it('a whole FleetService.sweep() does what the pure checks do, agent by agent', () => {
    fc.assert(
      fc.property(scenes, ({ now, timeoutMs, graceFrom, agents }) => {
        load(agents);
        const service = new FleetService(db, new FakeClock(now), { heartbeatTimeoutMs: timeoutMs, defaultRecoveryMs: 5 * 3_600_000 });
        const result = service.sweep(heartbeatCutoff(now, timeoutMs, graceFrom));

        let wentOffline = 0;
        let recovered = 0;
        for (const before of agents) {
          // The sweep's order: the timeout first, then recovery of whoever is still exhausted.
          const timedOut = checkHeartbeatTimeout(before, now, timeoutMs, graceFrom);
          const back = checkExhaustedRecovery(timedOut.agent, now);
          wentOffline += Number(timedOut.statusChanged);
          recovered += Number(back.statusChanged);
          const expected = back.agent;
          const actual = service.get(before.id);
          expect(pick(actual)).toEqual(pick(expected));
          expect(actual.statusSince).toBe(expected.status === before.status ? before.statusSince : now);
          const causes = service.history(before.id).map((e) => `${e.from}>${e.to}:${e.cause}@${e.at}`).reverse();
          expect(causes).toEqual([
            ...(timedOut.recorded ? [`${before.status}>offline:sweeper@${now}`] : []),
            ...(back.recorded ? [`exhausted>idle:recovery@${now}`] : []),
          ]);
        }
        expect(result).toEqual({ wentOffline, recovered });
        service.dispose();
      }),
      { numRuns },
    );
  });
});

function pick(a: Pick<Agent, 'status' | 'lastHeartbeat' | 'exhaustedAt' | 'recoveryAt' | 'exhaustReason'>) {
  return { status: a.status, lastHeartbeat: a.lastHeartbeat, exhaustedAt: a.exhaustedAt, recoveryAt: a.recoveryAt, exhaustReason: a.exhaustReason };
}
