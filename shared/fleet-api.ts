/**
 * What the operator UI can ask of the main side, whichever way it is reached
 * (the desktop's preload bridge or the headless HTTP port). Every call
 * answers a {@link Result}; nothing throws across the boundary.
 */
import type { Agent, StatusEvent } from './agent';
import type { AlertChannel, AlertDelivery, AlertRule, NewAlertChannel, NewAlertRule } from './alerts';
import type { ErrorInfo } from './errors';
import type { ExhaustReason } from './status';

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ErrorInfo };

/** The fleet's bounds (issue 13), as configured: shown in Settings, enforced by the core. */
export interface FleetLimits {
  readonly maxAgents: number;
  readonly maxStreams: number;
  readonly historyPerAgent: number;
  readonly historyDays: number;
  /** 0: offline agents are never forgotten. */
  readonly forgetOfflineDays: number;
  readonly maxRecoveryS: number;
}

/** The bounds' defaults: the settings table (electron/core/config.ts) and the core take them from here. */
export const DEFAULT_LIMITS: FleetLimits = {
  maxAgents: 100_000,
  maxStreams: 64,
  historyPerAgent: 1_000,
  historyDays: 90,
  forgetOfflineDays: 30,
  maxRecoveryS: 7 * 86_400,
};

/** Settings the UI shows; `notifications` is null where the host has none (headless). */
export interface FleetSettings {
  readonly url: string;
  readonly port: number;
  readonly agentToken: string;
  /** For scripts and the browser UI (`/#token=…`). */
  readonly operatorToken: string;
  readonly heartbeatTimeoutS: number;
  readonly sweepIntervalMs: number;
  readonly defaultRecoveryS: number;
  readonly limits: FleetLimits;
  readonly notifications: boolean | null;
}

/** A batch of committed changes: agents as they now are, and ids forgotten. */
export interface AgentDelta {
  readonly upserts: readonly Agent[];
  readonly removed: readonly string[];
  /** True when `upserts` is the whole fleet, replacing what the UI had (first load, reconnect). */
  readonly reset?: boolean;
  /**
   * Set while a large fleet arrives in pages: true when more of it is still
   * to come (the reset held only its first pages), false once all has come.
   */
  readonly loading?: boolean;
}

export interface ForceExhaustRequest {
  readonly id: string;
  readonly reason: ExhaustReason;
  /** Epoch ms; omitted means the time the message gives, else the default recovery delay. */
  readonly recoveryAt?: number | undefined;
  /** The agent's limit message as the operator pasted it: recorded with the exhaustion. */
  readonly message?: string | undefined;
  /** The zone to read the message's clock times in (the operator's). */
  readonly tz?: string | undefined;
}

/** A one-time sign-in link: it works once, until `expiresAt` (epoch ms). */
export interface SignInLink {
  readonly url: string;
  readonly expiresAt: number;
}

/** The exhaustion a bulk exhaust applies to each agent named. */
export type BulkExhaustRequest = Omit<ForceExhaustRequest, 'id'> & { readonly ids: readonly string[] };

/** One agent's outcome in a bulk action, in the order asked. */
export type BulkResult = { readonly id: string; readonly ok: true; readonly agent: Agent } | { readonly id: string; readonly ok: false; readonly error: ErrorInfo };

/** The most agents one bulk action names (`POST /v1/actions/recover|exhaust`, and over IPC). */
export const MAX_BULK_IDS = 10_000;

/** The largest page of agents one call returns (`GET /v1/agents?limit=`, the desktop's `agents:page`). */
export const MAX_AGENT_PAGE = 10_000;

/** One page of the fleet in id order, and where the next begins (null: this was the last). */
export interface AgentPage {
  readonly agents: readonly Agent[];
  readonly nextCursor: string | null;
}

/** The operations the UI uses. Both transports implement exactly this. */
export interface FleetApi {
  /**
   * Up to `limit` agents in id order from `cursor` on (null: the first page),
   * for loading a large fleet progressively. The cursor is opaque: pass the
   * `nextCursor` a page gave.
   */
  listAgentsPage(cursor: string | null, limit: number): Promise<Result<AgentPage>>;
  getAgent(id: string): Promise<Result<Agent>>;
  history(id: string, limit: number): Promise<Result<readonly StatusEvent[]>>;
  forceExhaust(request: ForceExhaustRequest): Promise<Result<Agent>>;
  recover(id: string): Promise<Result<Agent>>;
  /** Recovers each agent named, in one transaction: which moved, which were refused and why. */
  bulkRecover(ids: readonly string[]): Promise<Result<readonly BulkResult[]>>;
  /** Forces each agent named exhausted, in one transaction. */
  bulkExhaust(request: BulkExhaustRequest): Promise<Result<readonly BulkResult[]>>;
  forget(id: string): Promise<Result<Agent>>;
  getSettings(): Promise<Result<FleetSettings>>;
  setNotifications(enabled: boolean): Promise<Result<FleetSettings>>;
  /**
   * A fresh one-time link that signs another browser in (`…/#code=…`), and
   * when it stops working; only where the port serves the UI (headless), so
   * absent on the desktop bridge.
   */
  newSignInLink?(): Promise<Result<SignInLink>>;
  /** Alert channels (issue 15): where alerts go; secrets are never returned. */
  listAlertChannels(): Promise<Result<readonly AlertChannel[]>>;
  createAlertChannel(channel: NewAlertChannel): Promise<Result<AlertChannel>>;
  /** Deletes the channel with its rules and deliveries; returns it as it was. */
  deleteAlertChannel(id: string): Promise<Result<AlertChannel>>;
  /** Sends the channel a test message now, once (no retries): the delivery as it ended. */
  testAlertChannel(id: string): Promise<Result<AlertDelivery>>;
  listAlertRules(): Promise<Result<readonly AlertRule[]>>;
  createAlertRule(rule: NewAlertRule): Promise<Result<AlertRule>>;
  deleteAlertRule(id: string): Promise<Result<AlertRule>>;
  /** The newest `limit` deliveries, newest first. */
  listAlertDeliveries(limit: number): Promise<Result<readonly AlertDelivery[]>>;
  /** Calls `listener` with each batch of changes; returns how to stop. */
  onAgentsChanged(listener: (delta: AgentDelta) => void): () => void;
}
