/**
 * The agent port's public JSON shapes (snake_case, times as RFC 3339 UTC
 * strings or null) and the conversions from the domain types. This is a
 * contract: add fields, never change or remove them.
 */
import type { Agent, Labels, StatusEvent } from './agent';
import type { AgentStatus, EventCause, ExhaustReason, RecoverySource, WaitingKind } from './status';
import type { Usage } from './usage';

export interface WireAgent {
  id: string;
  name: string | null;
  status: AgentStatus;
  status_since: string;
  last_heartbeat: string | null;
  exhausted_at: string | null;
  recovery_at: string | null;
  exhaust_reason: ExhaustReason | null;
  labels: Labels;
  created_at: string;
  recovery_source: RecoverySource | null;
  exhaust_excerpt: string | null;
  usage: WireUsage;
  waiting: WireWaiting | null;
  /** When the agent itself last called in; `last_heartbeat` is the status rules' (a recovery sets it too). */
  last_seen: string;
}

export interface WireWaiting {
  kind: WaitingKind;
  message: string;
  since: string;
}

/** Usage windows on the wire: `{"five_hour": {"used_percent": 42, "resets_at": "…Z" | null}}`. */
export type WireUsage = Record<string, { used_percent: number; resets_at: string | null }>;

export interface WireEvent {
  id: number;
  agent_id: string;
  from: AgentStatus;
  to: AgentStatus;
  cause: EventCause;
  at: string;
  detail: Readonly<Record<string, unknown>> | null;
}

const DAY_MS = 86_400_000;
// Every reply formats three or four times, nearly all of them today: keep the
// day's `YYYY-MM-DDT` and format the time of day by hand, which costs a
// fraction of Date#toISOString. Any other day goes through Date and becomes the kept day.
let dayStart = Number.NaN;
let dayPrefix = '';

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/** Epoch milliseconds as an RFC 3339 UTC string, exactly as `Date#toISOString` writes it. */
export function toRfc3339(ms: number): string {
  const sinceDay = ms - dayStart;
  if (sinceDay >= 0 && sinceDay < DAY_MS && Number.isInteger(ms)) {
    const seconds = Math.floor(sinceDay / 1000);
    return `${dayPrefix}${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}.${pad3(sinceDay % 1000)}Z`;
  }
  const text = new Date(ms).toISOString(); // throws RangeError on an invalid time, as before
  if (Number.isInteger(ms)) {
    dayStart = ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
    dayPrefix = text.slice(0, text.indexOf('T') + 1);
  }
  return text;
}

function optionalTime(ms: number | null): string | null {
  return ms === null ? null : toRfc3339(ms);
}

export function toWireAgent(agent: Agent): WireAgent {
  return {
    id: agent.id,
    name: agent.name,
    status: agent.status,
    status_since: toRfc3339(agent.statusSince),
    last_heartbeat: optionalTime(agent.lastHeartbeat),
    exhausted_at: optionalTime(agent.exhaustedAt),
    recovery_at: optionalTime(agent.recoveryAt),
    exhaust_reason: agent.exhaustReason,
    labels: agent.labels,
    created_at: toRfc3339(agent.createdAt),
    recovery_source: agent.recoverySource,
    exhaust_excerpt: agent.exhaustExcerpt,
    usage: toWireUsage(agent.usage),
    waiting: agent.waiting === null ? null : { kind: agent.waiting.kind, message: agent.waiting.message, since: toRfc3339(agent.waiting.since) },
    last_seen: toRfc3339(agent.lastSeen),
  };
}

export function toWireUsage(usage: Usage): WireUsage {
  const wire: WireUsage = {};
  for (const [name, window] of Object.entries(usage)) {
    wire[name] = { used_percent: window.usedPercent, resets_at: optionalTime(window.resetsAt) };
  }
  return wire;
}

export function fromWireUsage(wire: WireUsage | undefined): Usage {
  const usage: Record<string, { usedPercent: number; resetsAt: number | null }> = {};
  for (const [name, window] of Object.entries(wire ?? {})) {
    usage[name] = { usedPercent: window.used_percent, resetsAt: window.resets_at === null ? null : Date.parse(window.resets_at) };
  }
  return usage;
}

export function toWireEvent(event: StatusEvent): WireEvent {
  return {
    id: event.id,
    agent_id: event.agentId,
    from: event.from,
    to: event.to,
    cause: event.cause,
    at: toRfc3339(event.at),
    detail: event.detail,
  };
}

/** The inverse of {@link toWireAgent}: what the browser UI reads from the port. */
export function fromWireAgent(wire: WireAgent): Agent {
  const time = (text: string | null) => (text === null ? null : Date.parse(text));
  return {
    id: wire.id,
    name: wire.name,
    labels: wire.labels,
    status: wire.status,
    statusSince: Date.parse(wire.status_since),
    lastHeartbeat: time(wire.last_heartbeat),
    exhaustedAt: time(wire.exhausted_at),
    recoveryAt: time(wire.recovery_at),
    exhaustReason: wire.exhaust_reason,
    createdAt: Date.parse(wire.created_at),
    recoverySource: wire.recovery_source ?? null,
    exhaustExcerpt: wire.exhaust_excerpt ?? null,
    usage: fromWireUsage(wire.usage),
    waiting: wire.waiting ? { kind: wire.waiting.kind, message: wire.waiting.message, since: Date.parse(wire.waiting.since) } : null,
    // A port from before `last_seen` knew only the rules' time.
    lastSeen: wire.last_seen === undefined ? (time(wire.last_heartbeat) ?? Date.parse(wire.created_at)) : Date.parse(wire.last_seen),
  };
}

/** The inverse of {@link toWireEvent}. */
export function fromWireEvent(wire: WireEvent): StatusEvent {
  return {
    id: wire.id,
    agentId: wire.agent_id,
    from: wire.from,
    to: wire.to,
    cause: wire.cause,
    at: Date.parse(wire.at),
    detail: wire.detail,
  };
}

/** `GET /v1/settings`: what the operator's settings view shows (operator token only). */
export interface WireSettings {
  url: string;
  port: number;
  agent_token: string;
  operator_token: string;
  heartbeat_timeout_s: number;
  sweep_interval_ms: number;
  default_recovery_s: number;
  max_agents: number;
  max_streams: number;
  history_per_agent: number;
  history_days: number;
  forget_offline_days: number;
  max_recovery_s: number;
}
