/**
 * The status rules, row by row against the reference table
 * (shared/reference/README.md), and every refused move. Test names carry the
 * reference function they map to (transition_to_busy, check_heartbeat_timeout…)
 * so a reader can line them up with the original 22-case suite.
 */
import { describe, expect, it } from 'vitest';
import { InvalidTransitionError } from '../../shared/errors';
import {
  applyOperation,
  canApply,
  checkExhaustedRecovery,
  checkHeartbeatTimeout,
  STATUS_RULES,
  type OperationKind,
  type StatusFields,
  type StatusOperation,
} from '../../shared/state-machine';
import { AGENT_STATUSES, type AgentStatus } from '../../shared/status';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const NOW = T0 + 60_000;
const HOUR = 3_600_000;

function agent(status: AgentStatus, overrides: Partial<StatusFields> = {}): StatusFields {
  return { id: 'a1', status, lastHeartbeat: T0, exhaustedAt: null, recoveryAt: null, exhaustReason: null, ...overrides };
}

const exhaustedAgent = () =>
  agent('exhausted', { exhaustedAt: T0, recoveryAt: T0 + 5 * HOUR, exhaustReason: 'rate_limit' });

describe('transition_to_busy (reference rows 1–2)', () => {
  it('R01 idle + work slot → busy, last_heartbeat = now', () => {
    const { agent: next } = applyOperation(agent('idle'), { kind: 'busy', slotType: 'work' }, NOW);
    expect(next).toMatchObject({ status: 'busy', lastHeartbeat: NOW });
  });

  it('R02 idle + on_call slot → on_call, last_heartbeat = now', () => {
    const { agent: next } = applyOperation(agent('idle'), { kind: 'busy', slotType: 'on_call' }, NOW);
    expect(next).toMatchObject({ status: 'on_call', lastHeartbeat: NOW });
  });

  it.each(['busy', 'on_call', 'offline', 'exhausted'] as const)('R03 refused from %s with the reference message', (status) => {
    expect(() => applyOperation(agent(status), { kind: 'busy', slotType: 'work' }, NOW)).toThrow(
      `Agent 'a1' is ${status}; expected one of [idle]`,
    );
  });
});

describe('transition_to_idle (reference row 3)', () => {
  it.each(['busy', 'on_call', 'offline'] as const)('R04 %s → idle, last_heartbeat = now', (status) => {
    const { agent: next } = applyOperation(agent(status), { kind: 'idle' }, NOW);
    expect(next).toMatchObject({ status: 'idle', lastHeartbeat: NOW });
  });

  it('R05 exhausted → idle clears exhausted_at, recovery_at and exhaust_reason', () => {
    const { agent: next } = applyOperation(exhaustedAgent(), { kind: 'idle' }, NOW);
    expect(next).toEqual({ ...agent('idle'), lastHeartbeat: NOW });
  });

  it('R06 idle → idle is refused with the reference message', () => {
    expect(() => applyOperation(agent('idle'), { kind: 'idle' }, NOW)).toThrow(
      "Agent 'a1' is idle; expected one of [busy, on_call, exhausted, offline]",
    );
  });
});

describe('transition_to_offline (reference row 4)', () => {
  it.each(['idle', 'busy', 'on_call', 'exhausted'] as const)('R07 %s → offline, nothing else changes', (status) => {
    const before = status === 'exhausted' ? exhaustedAgent() : agent(status);
    const result = applyOperation(before, { kind: 'offline' }, NOW);
    expect(result.agent).toEqual({ ...before, status: 'offline' });
    expect(result.statusChanged).toBe(true);
  });

  it('R08 offline → offline is a no-op (same object, not recorded)', () => {
    const before = agent('offline');
    const result = applyOperation(before, { kind: 'offline' }, NOW);
    expect(result).toEqual({ agent: before, statusChanged: false, recorded: false });
    expect(result.agent).toBe(before);
  });
});

describe('transition_to_exhausted (reference row 5)', () => {
  it.each(AGENT_STATUSES)('R09 %s → exhausted with reason, exhausted_at = now', (status) => {
    const { agent: next } = applyOperation(agent(status), { kind: 'exhausted', reason: 'billing', recoveryAt: NOW + HOUR }, NOW);
    expect(next).toMatchObject({ status: 'exhausted', exhaustedAt: NOW, exhaustReason: 'billing', recoveryAt: NOW + HOUR });
  });

  it('R10 without a recovery time, recovery_at = now + 5 h', () => {
    const { agent: next } = applyOperation(agent('busy'), { kind: 'exhausted', reason: 'rate_limit' }, NOW);
    expect(next.recoveryAt).toBe(NOW + 5 * HOUR);
  });

  it('R11 the default recovery delay is configurable', () => {
    const { agent: next } = applyOperation(agent('busy'), { kind: 'exhausted', reason: 'rate_limit', recoveryAt: null }, NOW, {
      defaultRecoveryMs: 60_000,
    });
    expect(next.recoveryAt).toBe(NOW + 60_000);
  });

  it('R12 exhausted → exhausted is allowed and recorded (it moves the recovery time)', () => {
    const result = applyOperation(exhaustedAgent(), { kind: 'exhausted', reason: 'billing', recoveryAt: NOW + HOUR }, NOW);
    expect(result).toMatchObject({ statusChanged: false, recorded: true });
    expect(result.agent).toMatchObject({ exhaustReason: 'billing', recoveryAt: NOW + HOUR, exhaustedAt: NOW });
  });

  it('R13 does not touch last_heartbeat', () => {
    const { agent: next } = applyOperation(agent('idle'), { kind: 'exhausted', reason: 'rate_limit' }, NOW);
    expect(next.lastHeartbeat).toBe(T0);
  });
});

describe('check_heartbeat_timeout (reference row 6)', () => {
  const TIMEOUT = 120_000;

  it('R14 more than 120 s of silence → offline, returns changed', () => {
    const result = checkHeartbeatTimeout(agent('busy'), T0 + TIMEOUT + 1, TIMEOUT);
    expect(result.statusChanged).toBe(true);
    expect(result.agent.status).toBe('offline');
  });

  it('R15 exactly 120 s is not a timeout (strictly greater)', () => {
    const result = checkHeartbeatTimeout(agent('busy'), T0 + TIMEOUT, TIMEOUT);
    expect(result.statusChanged).toBe(false);
    expect(result.agent.status).toBe('busy');
  });

  it('R16 a null last_heartbeat counts as timed out', () => {
    const result = checkHeartbeatTimeout(agent('idle', { lastHeartbeat: null }), NOW, TIMEOUT);
    expect(result.agent.status).toBe('offline');
  });

  it('R17 an offline agent is left alone and the check returns false', () => {
    const before = agent('offline', { lastHeartbeat: null });
    expect(checkHeartbeatTimeout(before, NOW + 10 * HOUR, TIMEOUT)).toEqual({ agent: before, statusChanged: false, recorded: false });
  });

  it('R18 an exhausted agent also goes offline, keeping its exhaustion fields', () => {
    const result = checkHeartbeatTimeout(exhaustedAgent(), T0 + TIMEOUT + 1, TIMEOUT);
    expect(result.agent).toEqual({ ...exhaustedAgent(), status: 'offline' });
  });

  it('R19 the default timeout is 120 s', () => {
    expect(checkHeartbeatTimeout(agent('idle'), T0 + 120_000).statusChanged).toBe(false);
    expect(checkHeartbeatTimeout(agent('idle'), T0 + 120_001).statusChanged).toBe(true);
  });
});

describe('check_exhausted_recovery (reference row 7)', () => {
  it('R20 exhausted and now ≥ recovery_at → idle via to-idle (last_heartbeat = now, fields cleared)', () => {
    const due = T0 + 5 * HOUR;
    const result = checkExhaustedRecovery(exhaustedAgent(), due);
    expect(result.statusChanged).toBe(true);
    expect(result.agent).toEqual({ ...agent('idle'), lastHeartbeat: due });
  });

  it('R21 before recovery_at nothing changes', () => {
    expect(checkExhaustedRecovery(exhaustedAgent(), T0 + 5 * HOUR - 1).statusChanged).toBe(false);
  });

  it('R22 exhausted with no recovery_at never recovers by itself', () => {
    expect(checkExhaustedRecovery(agent('exhausted', { recoveryAt: null }), NOW + 1e12).statusChanged).toBe(false);
  });

  it.each(['idle', 'busy', 'on_call', 'offline'] as const)('R23 a %s agent is not recovered', (status) => {
    expect(checkExhaustedRecovery(agent(status, { recoveryAt: T0 }), NOW).statusChanged).toBe(false);
  });
});

describe('record_heartbeat (reference row 8)', () => {
  it.each(['idle', 'busy', 'on_call', 'exhausted'] as const)('R24 %s keeps its status, last_heartbeat = now', (status) => {
    const before = status === 'exhausted' ? exhaustedAgent() : agent(status);
    const result = applyOperation(before, { kind: 'heartbeat' }, NOW);
    expect(result.agent).toEqual({ ...before, lastHeartbeat: NOW });
    expect(result).toMatchObject({ statusChanged: false, recorded: false });
  });

  it('R25 offline → idle, clearing stale exhaustion fields', () => {
    const before = { ...exhaustedAgent(), status: 'offline' as const };
    const result = applyOperation(before, { kind: 'heartbeat' }, NOW);
    expect(result.agent).toEqual({ ...agent('idle'), lastHeartbeat: NOW });
    expect(result).toMatchObject({ statusChanged: true, recorded: true });
  });
});

describe('the table as a whole', () => {
  const sample: Record<OperationKind, StatusOperation> = {
    busy: { kind: 'busy', slotType: 'work' },
    idle: { kind: 'idle' },
    offline: { kind: 'offline' },
    exhausted: { kind: 'exhausted', reason: 'rate_limit' },
    heartbeat: { kind: 'heartbeat' },
  };
  const expectedAllowed: Record<OperationKind, readonly AgentStatus[]> = {
    busy: ['idle'],
    idle: ['busy', 'on_call', 'exhausted', 'offline'],
    offline: AGENT_STATUSES,
    exhausted: AGENT_STATUSES,
    heartbeat: AGENT_STATUSES,
  };

  const pairs = AGENT_STATUSES.flatMap((status) =>
    (Object.keys(sample) as OperationKind[]).map((kind) => [status, kind, expectedAllowed[kind].includes(status)] as const),
  );

  it.each(pairs)('from %s, %s allowed = %s (canApply and applyOperation agree)', (status, kind, allowed) => {
    expect(canApply(status, kind)).toBe(allowed);
    const attempt = () => applyOperation(agent(status), sample[kind], NOW);
    if (allowed) expect(attempt).not.toThrow();
    else expect(attempt).toThrow(InvalidTransitionError);
  });

  it('a refusal carries the stable code and the allowed list', () => {
    try {
      applyOperation(agent('busy'), { kind: 'busy', slotType: 'on_call' }, NOW);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidTransitionError);
      expect((error as InvalidTransitionError).toInfo()).toEqual({
        code: 'invalid_transition',
        message: "Agent 'a1' is busy; expected one of [idle]",
      });
    }
  });

  it('applyOperation never mutates its input', () => {
    const before = Object.freeze(exhaustedAgent());
    for (const op of Object.values(sample)) {
      try {
        applyOperation(before, op, NOW);
      } catch {
        // refused moves are covered above
      }
    }
    expect(before).toEqual(exhaustedAgent());
  });

  it('every rule lists only real statuses', () => {
    for (const rule of Object.values(STATUS_RULES)) for (const s of rule.from) expect(AGENT_STATUSES).toContain(s);
  });
});
