import type { Agent } from '../../../shared/agent';
import { z, type ZodType } from 'zod';
import {
  bulkExhaustBodySchema,
  bulkRecoverBodySchema,
  busyBodySchema,
  claudeHookBodySchema,
  codexHookBodySchema,
  offlineBodySchema,
  eventsLimitSchema,
  exhaustActionBodySchema,
  exhaustedBodySchema,
  heartbeatBodySchema,
  idleBodySchema,
} from '../../../shared/http-schemas';
import { toWireAgent, toWireEvent, type WireSettings } from '../../../shared/wire';
import { readExhaustion } from '../exhaustion-report';
import { handleHook } from '../hooks/hook-handler';
import { agentListJson, parseAgentQuery } from './agent-list';
import { ChunkedJson } from './http-io';
import type { BulkOutcome, FleetService } from '../fleet-service';

/** Who may call a route: any token (agent endpoints and reads) or the operator token only. */
export type Access = 'agent' | 'operator';

export interface RouteContext<B = unknown> {
  /** The agent id from the path, already validated. */
  readonly id: string;
  /** The body, validated by the route's schema. */
  readonly body: B;
  readonly query: URLSearchParams;
  readonly now: number;
  /** What `GET /v1/settings` reports. */
  readonly settings: WireSettings;
}

export interface Route<B = unknown, R = unknown> {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Path pattern; `{id}` stands for one agent id segment. */
  readonly path: string;
  readonly access: Access;
  /** The schema of the route's JSON body; absent when it reads none. No body validates as `{}`. */
  readonly body?: ZodType<B>;
  /** Largest body the route takes, when not the port's usual 64 KiB. */
  readonly maxBodyBytes?: number;
  readonly handle: (service: FleetService, ctx: RouteContext<B>) => R;
  /**
   * The answer when it needs no commit (a plain heartbeat), tried before the
   * request joins the port's batch of writes; undefined sends it there.
   */
  readonly atOnce?: (service: FleetService, ctx: RouteContext<B>) => R | undefined;
  /**
   * Turns the result into the JSON reply; absent, the result is the reply. Kept
   * apart so that a write asked for `Prefer: return=minimal` (a 204) never
   * builds a reply it does not send.
   */
  readonly reply?: (result: R) => unknown;
  /** The reply is the result itself (a bulk action's report): `Prefer: return=minimal` never drops it. */
  readonly alwaysReply?: true;
}

/** Keeps each route's body and result types tied to its schema and reply inside the one list. */
const route = <B, R>(r: Route<B, R>): Route => r as unknown as Route;

/** The recover action takes no fields but, like every POST, refuses a body that is not JSON. */
const anyJson = z.unknown();

const agentReply = (agent: Agent) => ({ agent: toWireAgent(agent) });
/** The routes that answer one agent: they return it, and {@link agentReply} makes it the reply. */
const answersAgent = { reply: agentReply } as const;
const exitDetail = (exitCode: number | undefined) => (exitCode === undefined ? undefined : { exit_code: exitCode });

/**
 * A bulk action's body: the contract's 1 MiB and more, so that 10,000 ids of
 * the longest kind (128 characters, 1.3 MB quoted) fit, and 10,001 of them are
 * the 400 for too many ids rather than a 413.
 */
export const BULK_BODY_BYTES = 1.5 * 1024 * 1024;

/** `{"results": [{"id", "ok": true, "agent"} | {"id", "ok": false, "error": {"code", "message"}}]}`, in the order asked. */
const bulkReply = (outcomes: readonly BulkOutcome[]) => ({
  results: outcomes.map((o) => (o.ok ? { id: o.id, ok: true, agent: toWireAgent(o.agent) } : { id: o.id, ok: false, error: o.error.toInfo() })),
});

/** Hook payloads carry tool input and output (a file's contents): room for them. */
export const HOOK_BODY_BYTES = 1024 * 1024;

/** Every JSON route of the agent port (the stream and health check are served by the port itself). */
export const ROUTES: readonly Route[] = [
  route({
    method: 'POST', path: '/v1/agents/{id}/heartbeat', access: 'agent', body: heartbeatBodySchema,
    handle: (s, { id, body }) => s.recordHeartbeat(id, body), ...answersAgent,
    atOnce: (s, { id, body }) => s.plainHeartbeat(id, body),
  }),
  route({
    method: 'POST', path: '/v1/agents/{id}/busy', access: 'agent', body: busyBodySchema,
    handle: (s, { id, body: { slot_type, ...profile } }) => s.reportBusy(id, slot_type, profile), ...answersAgent,
  }),
  route({
    method: 'POST', path: '/v1/agents/{id}/idle', access: 'agent', body: idleBodySchema,
    handle: (s, { id, body: { exit_code, ...profile } }) => s.reportIdle(id, profile, exitDetail(exit_code)), ...answersAgent,
  }),
  route({
    method: 'POST', path: '/v1/agents/{id}/offline', access: 'agent', body: offlineBodySchema,
    handle: (s, { id, body: { exit_code } }) => s.reportOffline(id, exitDetail(exit_code)), ...answersAgent,
  }),
  // The agents' own hooks, as they send them; tool payloads can be large (a file read), so up to 1 MiB.
  route({
    method: 'POST', path: '/v1/hooks/claude-code', access: 'agent', body: claudeHookBodySchema, maxBodyBytes: HOOK_BODY_BYTES,
    handle: (s, { body, query, now }) => handleHook(s, 'claude-code', body, query, now),
    atOnce: (s, { body, query, now }) => handleHook(s, 'claude-code', body, query, now, true),
  }),
  route({
    method: 'POST', path: '/v1/hooks/codex', access: 'agent', body: codexHookBodySchema, maxBodyBytes: HOOK_BODY_BYTES,
    handle: (s, { body, query, now }) => handleHook(s, 'codex', body, query, now),
    atOnce: (s, { body, query, now }) => handleHook(s, 'codex', body, query, now, true),
  }),
  route({
    method: 'POST', path: '/v1/agents/{id}/exhausted', access: 'agent', body: exhaustedBodySchema,
    handle: (s, { id, body: { name, labels, ...request }, now }) => {
      const { report, usage } = readExhaustion(request, now, s.find(id)?.usage);
      return s.reportExhausted(id, report, { name, labels, usage });
    },
    ...answersAgent,
  }),
  // The whole fleet, or a page of it (`?limit`, `?cursor`), of some statuses (`?status`): streamed, never one string.
  route({
    method: 'GET', path: '/v1/agents', access: 'agent',
    handle: (s, { query }) => new ChunkedJson(agentListJson(s, parseAgentQuery(query))),
  }),
  route({ method: 'GET', path: '/v1/agents/{id}', access: 'agent', handle: (s, { id }) => s.get(id), ...answersAgent }),
  route({
    method: 'GET', path: '/v1/agents/{id}/events', access: 'agent',
    handle: (s, { id, query }) => {
      const limit = query.has('limit') ? eventsLimitSchema.parse(query.get('limit')) : 100;
      return { events: s.history(id, limit).map(toWireEvent) };
    },
  }),
  route({
    method: 'POST', path: '/v1/agents/{id}/actions/exhaust', access: 'operator', body: exhaustActionBodySchema,
    handle: (s, { id, body, now }) => s.forceExhaust(id, readExhaustion(body, now).report), ...answersAgent,
  }),
  route({ method: 'POST', path: '/v1/agents/{id}/actions/recover', access: 'operator', body: anyJson, handle: (s, { id }) => s.recover(id), ...answersAgent }),
  route({ method: 'DELETE', path: '/v1/agents/{id}', access: 'operator', handle: (s, { id }) => s.forget(id), ...answersAgent }),
  // Bulk actions: one request and one transaction for up to 10,000 agents (so bodies up to 1 MiB).
  route({
    method: 'POST', path: '/v1/actions/recover', access: 'operator', body: bulkRecoverBodySchema, maxBodyBytes: BULK_BODY_BYTES,
    handle: (s, { body: { ids } }) => s.bulk(ids, (id) => s.recover(id)), reply: bulkReply, alwaysReply: true,
  }),
  route({
    method: 'POST', path: '/v1/actions/exhaust', access: 'operator', body: bulkExhaustBodySchema, maxBodyBytes: BULK_BODY_BYTES,
    handle: (s, { body: { ids, ...request }, now }) => {
      const { report } = readExhaustion(request, now);
      s.checkRecoveryHorizon(report);
      return s.bulk(ids, (id) => s.forceExhaust(id, report));
    },
    reply: bulkReply,
    alwaysReply: true,
  }),
  // The operator UI's settings view: the port and the agent token to copy, the timings.
  route({ method: 'GET', path: '/v1/settings', access: 'operator', handle: (_s, { settings }) => settings }),
];
