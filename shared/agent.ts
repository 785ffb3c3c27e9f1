/**
 * The agent and its history as the main side and the UI share them.
 * Times are epoch milliseconds (UTC); the HTTP port renders them as RFC 3339.
 */
import type { StatusFields } from './state-machine';
import type { AgentStatus, EventCause, RecoverySource, WaitingKind } from './status';
import type { Usage } from './usage';

/** Free-form key/value tags an agent reports about itself, e.g. `{team: "infra"}`. */
export type Labels = Readonly<Record<string, string>>;

/** The agent waits for its operator: since when, for what, and what it said. Not a status: the rules stay the reference's. */
export interface Waiting {
  readonly kind: WaitingKind;
  readonly message: string;
  readonly since: number;
}

/** The longest waiting message kept. */
export const MAX_WAITING_MESSAGE = 500;

/** Longest agent name, in UTF-16 units (at most 600 bytes of UTF-8). */
export const MAX_NAME = 200;

/** One agent of the fleet. */
export interface Agent extends StatusFields {
  readonly name: string | null;
  readonly labels: Labels;
  /** When the current status began. */
  readonly statusSince: number;
  readonly createdAt: number;
  /** Where `recoveryAt` came from; null whenever the agent is not exhausted (and for exhaustions recorded before 0.2). */
  readonly recoverySource: RecoverySource | null;
  /** The limit text the agent reported with its exhaustion, at most 200 characters; null when none matched or not exhausted. */
  readonly exhaustExcerpt: string | null;
  /** The agent's quota windows as it last reported them. */
  readonly usage: Usage;
  /** Set while the agent waits for its operator; cleared by any status move and by work. */
  readonly waiting: Waiting | null;
  /**
   * When the agent itself last called in (a heartbeat, a report, a hook):
   * what the UI shows as its heartbeat. `lastHeartbeat` is the rules' own,
   * which a recovery (the operator's, or by time) sets to now as the reference
   * does, though the agent said nothing.
   */
  readonly lastSeen: number;
}

/** One recorded move in an agent's history. */
export interface StatusEvent {
  readonly id: number;
  readonly agentId: string;
  readonly from: AgentStatus;
  readonly to: AgentStatus;
  readonly cause: EventCause;
  readonly at: number;
  /** What came with the move (slot type, reason, recovery time…), or null. */
  readonly detail: Readonly<Record<string, unknown>> | null;
}

/** A committed change to the fleet, told to listeners after the commit. */
export type AgentChange =
  | { readonly type: 'upsert'; readonly agent: Agent; readonly event: StatusEvent | null }
  | { readonly type: 'removed'; readonly agentId: string };
