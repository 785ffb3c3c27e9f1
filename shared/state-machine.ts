/**
 * The agent status rules: one pure, table-driven module. The main side applies
 * it as the authority; the UI reads the same table to enable its buttons.
 * Semantics follow the reference service row by row (see docs and tests).
 */
import { InvalidTransitionError } from './errors';
import {
  AGENT_STATUSES,
  DEFAULT_HEARTBEAT_TIMEOUT_S,
  DEFAULT_RECOVERY_S,
  type AgentStatus,
  type ExhaustReason,
  type SlotType,
} from './status';

/** The part of an agent the rules read and write. Times are epoch milliseconds (UTC). */
export interface StatusFields {
  readonly id: string;
  readonly status: AgentStatus;
  readonly lastHeartbeat: number | null;
  readonly exhaustedAt: number | null;
  readonly recoveryAt: number | null;
  readonly exhaustReason: ExhaustReason | null;
}

/** A requested move. `heartbeat` is not a status move but has status effects. */
export type StatusOperation =
  | { readonly kind: 'busy'; readonly slotType: SlotType }
  | { readonly kind: 'idle' }
  | { readonly kind: 'offline' }
  | { readonly kind: 'exhausted'; readonly reason: ExhaustReason; readonly recoveryAt?: number | null }
  | { readonly kind: 'heartbeat' };

export type OperationKind = StatusOperation['kind'];

/** Knobs of the rules; the defaults are the reference values. */
export interface RuleOptions {
  /** Recovery delay when none is given. Default 5 h. */
  readonly defaultRecoveryMs?: number;
}

type Patch = Partial<Omit<StatusFields, 'id'>>;

interface Rule {
  /** Statuses the move is allowed from, in the order the error message lists them. */
  readonly from: readonly AgentStatus[];
  readonly apply: (agent: StatusFields, op: StatusOperation, now: number, options: Required<RuleOptions>) => Patch;
}

const CLEARED_EXHAUSTION: Patch = { exhaustedAt: null, recoveryAt: null, exhaustReason: null };

/**
 * The table. Each row: where the move may start, and what it writes.
 * Keep in step with the reference table in `shared/reference/README.md`.
 */
export const STATUS_RULES: { readonly [K in OperationKind]: Rule } = {
  busy: {
    from: ['idle'],
    apply: (_agent, op, now) => ({
      status: op.kind === 'busy' && op.slotType === 'on_call' ? 'on_call' : 'busy',
      lastHeartbeat: now,
    }),
  },
  idle: {
    from: ['busy', 'on_call', 'exhausted', 'offline'],
    apply: (_agent, _op, now) => ({ status: 'idle', ...CLEARED_EXHAUSTION, lastHeartbeat: now }),
  },
  offline: {
    from: AGENT_STATUSES,
    apply: () => ({ status: 'offline' }),
  },
  exhausted: {
    from: AGENT_STATUSES,
    apply: (_agent, op, now, options) => {
      const given = op.kind === 'exhausted' ? op.recoveryAt : undefined;
      return {
        status: 'exhausted',
        exhaustedAt: now,
        exhaustReason: op.kind === 'exhausted' ? op.reason : null,
        recoveryAt: given ?? now + options.defaultRecoveryMs,
      };
    },
  },
  heartbeat: {
    from: AGENT_STATUSES,
    apply: (agent, _op, now) =>
      agent.status === 'offline' ? { status: 'idle', ...CLEARED_EXHAUSTION, lastHeartbeat: now } : { lastHeartbeat: now },
  },
};

/** The outcome of a move that the rules allowed. */
export interface TransitionResult<T extends StatusFields> {
  /** The agent after the move (the same object when nothing changed). */
  readonly agent: T;
  /** True when the status value itself changed. */
  readonly statusChanged: boolean;
  /**
   * True when the move belongs in the status history: every status change,
   * plus a repeated exhaustion (it moves the recovery time). A heartbeat that
   * leaves the status alone, or offline on an offline agent, is not history.
   */
  readonly recorded: boolean;
}

/** Whether the rules allow `kind` from `status`. The UI enables buttons with this. */
export function canApply(status: AgentStatus, kind: OperationKind): boolean {
  return STATUS_RULES[kind].from.includes(status);
}

/**
 * Applies `op` to `agent` at time `now`. Pure: returns a new object, never
 * mutates. Throws {@link InvalidTransitionError} when the rules refuse.
 */
export function applyOperation<T extends StatusFields>(
  agent: T,
  op: StatusOperation,
  now: number,
  options: RuleOptions = {},
): TransitionResult<T> {
  const rule = STATUS_RULES[op.kind];
  if (!rule.from.includes(agent.status)) {
    throw new InvalidTransitionError(agent.id, agent.status, rule.from);
  }
  if (op.kind === 'offline' && agent.status === 'offline') {
    return { agent, statusChanged: false, recorded: false };
  }
  const patch = rule.apply(agent, op, now, { defaultRecoveryMs: options.defaultRecoveryMs ?? DEFAULT_RECOVERY_S * 1000 });
  const next = { ...agent, ...patch };
  const statusChanged = next.status !== agent.status;
  return { agent: next, statusChanged, recorded: statusChanged || op.kind === 'exhausted' };
}

/**
 * The sweep's heartbeat cutoff: an agent not offline is overdue exactly when
 * its last heartbeat is strictly before it (the store asks `last_heartbeat < cutoff`
 * of its index). With a grace moment (a start, a resume, a stall, a clock jump),
 * deadlines count from max(last heartbeat, grace moment); null means the grace
 * moment is itself within the timeout, so nobody is overdue.
 */
export function heartbeatCutoff(now: number, timeoutMs: number, graceFrom?: number): number | null {
  const cutoff = now - timeoutMs;
  return graceFrom !== undefined && graceFrom >= cutoff ? null : cutoff;
}

/**
 * Whether the heartbeat timeout applies: any status but offline, with no
 * heartbeat ever or one more than `timeoutMs` ago (strictly); with
 * `graceFrom`, silence counts from max(last heartbeat, graceFrom). The
 * sweep's query states the same rule through {@link heartbeatCutoff}; a
 * property test holds the two equal.
 */
export function isHeartbeatOverdue(
  agent: StatusFields,
  now: number,
  timeoutMs: number = DEFAULT_HEARTBEAT_TIMEOUT_S * 1000,
  graceFrom?: number,
): boolean {
  if (agent.status === 'offline') return false;
  const cutoff = heartbeatCutoff(now, timeoutMs, graceFrom);
  return cutoff !== null && (agent.lastHeartbeat === null || agent.lastHeartbeat < cutoff);
}

/** Whether an exhausted agent's recovery time has come (`now >= recoveryAt`). */
export function isRecoveryDue(agent: StatusFields, now: number): boolean {
  return agent.status === 'exhausted' && agent.recoveryAt !== null && now >= agent.recoveryAt;
}

/** The heartbeat-timeout check: offline when overdue, else unchanged. */
export function checkHeartbeatTimeout<T extends StatusFields>(agent: T, now: number, timeoutMs?: number, graceFrom?: number): TransitionResult<T> {
  return isHeartbeatOverdue(agent, now, timeoutMs, graceFrom)
    ? applyOperation(agent, { kind: 'offline' }, now)
    : { agent, statusChanged: false, recorded: false };
}

/** The exhausted-recovery check: back to idle (via the idle move) when due. */
export function checkExhaustedRecovery<T extends StatusFields>(agent: T, now: number): TransitionResult<T> {
  return isRecoveryDue(agent, now)
    ? applyOperation(agent, { kind: 'idle' }, now)
    : { agent, statusChanged: false, recorded: false };
}
