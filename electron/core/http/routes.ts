import type { Agent } from '../../../shared/agent';
import {
  busyBodySchema,
  eventsLimitSchema,
  exhaustActionBodySchema,
  exhaustedBodySchema,
  heartbeatBodySchema,
  idleBodySchema,
} from '../../../shared/http-schemas';
import { recoveryFromHeaders } from '../../../shared/rate-limit-headers';
import { toWireAgent, toWireEvent, type WireSettings } from '../../../shared/wire';
import type { FleetService } from '../fleet-service';

/** Who may call a route: any token (agent endpoints and reads) or the operator token only. */
export type Access = 'agent' | 'operator';

export interface RouteContext {
  /** The agent id from the path, already validated. */
  readonly id: string;
  readonly body: unknown;
  readonly query: URLSearchParams;
  readonly now: number;
  /** What `GET /v1/settings` reports. */
  readonly settings: WireSettings;
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Path pattern; `{id}` stands for one agent id segment. */
  readonly path: string;
  readonly access: Access;
  /** Whether the route reads a JSON body. */
  readonly body: boolean;
  readonly handle: (service: FleetService, ctx: RouteContext) => unknown;
}

const agentReply = (agent: Agent) => ({ agent: toWireAgent(agent) });

/** Every JSON route of the agent port (the stream and health check are served by the port itself). */
export const ROUTES: readonly Route[] = [
  {
    method: 'POST', path: '/v1/agents/{id}/heartbeat', access: 'agent', body: true,
    handle: (s, { id, body }) => agentReply(s.recordHeartbeat(id, heartbeatBodySchema.parse(body ?? {}))),
  },
  {
    method: 'POST', path: '/v1/agents/{id}/busy', access: 'agent', body: true,
    handle: (s, { id, body }) => {
      const { slot_type, ...profile } = busyBodySchema.parse(body ?? {});
      return agentReply(s.reportBusy(id, slot_type, profile));
    },
  },
  {
    method: 'POST', path: '/v1/agents/{id}/idle', access: 'agent', body: true,
    handle: (s, { id, body }) => agentReply(s.reportIdle(id, idleBodySchema.parse(body ?? {}))),
  },
  {
    method: 'POST', path: '/v1/agents/{id}/exhausted', access: 'agent', body: true,
    handle: (s, { id, body, now }) => {
      const { reason, recovery_at, headers, ...profile } = exhaustedBodySchema.parse(body ?? {});
      // An explicit time beats the headers; when neither gives one, the service's default applies.
      const recoveryAt = recovery_at ?? (headers ? recoveryFromHeaders(headers, now) : null);
      return agentReply(s.reportExhausted(id, reason, recoveryAt, profile));
    },
  },
  { method: 'GET', path: '/v1/agents', access: 'agent', body: false, handle: (s) => ({ agents: s.list().map(toWireAgent) }) },
  { method: 'GET', path: '/v1/agents/{id}', access: 'agent', body: false, handle: (s, { id }) => agentReply(s.get(id)) },
  {
    method: 'GET', path: '/v1/agents/{id}/events', access: 'agent', body: false,
    handle: (s, { id, query }) => {
      const limit = query.has('limit') ? eventsLimitSchema.parse(query.get('limit')) : 100;
      return { events: s.history(id, limit).map(toWireEvent) };
    },
  },
  {
    method: 'POST', path: '/v1/agents/{id}/actions/exhaust', access: 'operator', body: true,
    handle: (s, { id, body }) => {
      const { reason, recovery_at } = exhaustActionBodySchema.parse(body ?? {});
      return agentReply(s.forceExhaust(id, reason, recovery_at ?? null));
    },
  },
  { method: 'POST', path: '/v1/agents/{id}/actions/recover', access: 'operator', body: true, handle: (s, { id }) => agentReply(s.recover(id)) },
  { method: 'DELETE', path: '/v1/agents/{id}', access: 'operator', body: false, handle: (s, { id }) => agentReply(s.forget(id)) },
  // The operator UI's settings view: the port and the agent token to copy, the timings.
  { method: 'GET', path: '/v1/settings', access: 'operator', body: false, handle: (_s, { settings }) => settings },
];
