/**
 * The vocabulary of agent status: the values that travel on the wire, in the
 * database and across IPC. Each list is the single source of its union type.
 */

/** Every status an agent can be in. */
export const AGENT_STATUSES = ['idle', 'busy', 'on_call', 'offline', 'exhausted'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

/** Why an agent is exhausted. */
export const EXHAUST_REASONS = ['rate_limit', 'billing'] as const;
export type ExhaustReason = (typeof EXHAUST_REASONS)[number];

/**
 * Where an exhausted agent's recovery time came from: `recovery_at` given in
 * the request, the provider's rate-limit headers, the agent's limit message or
 * error body, or the default delay.
 */
export const RECOVERY_SOURCES = ['given', 'headers', 'message', 'default'] as const;
export type RecoverySource = (typeof RECOVERY_SOURCES)[number];

/**
 * What an agent is waiting for from its operator (orthogonal to its status):
 * a permission prompt, any input, or an answer to a question it asked.
 */
export const WAITING_KINDS = ['permission', 'input', 'question'] as const;
export type WaitingKind = (typeof WAITING_KINDS)[number];

/** The kind of slot that wakes an idle agent. */
export const SLOT_TYPES = ['work', 'on_call'] as const;
export type SlotType = (typeof SLOT_TYPES)[number];

/** Who caused a status event. */
export const EVENT_CAUSES = ['agent', 'operator', 'sweeper', 'recovery'] as const;
export type EventCause = (typeof EVENT_CAUSES)[number];

/** Seconds without a heartbeat after which an agent is offline (strictly more than this). */
export const DEFAULT_HEARTBEAT_TIMEOUT_S = 120;

/** Seconds an exhausted agent waits when no recovery time is known: 5 hours. */
export const DEFAULT_RECOVERY_S = 5 * 60 * 60;

/** Compile-time exhaustiveness guard for `switch` statements over the unions above. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${String(value)}`);
}
