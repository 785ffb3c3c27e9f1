import type { Agent, StatusEvent } from '../../../shared/agent';
import { toChannelBody, toRuleBody } from '../../../shared/alert-bodies';
import {
  fromWireChannel,
  fromWireDelivery,
  fromWireRule,
  type AlertChannel,
  type AlertDelivery,
  type AlertRule,
  type NewAlertChannel,
  type NewAlertRule,
  type WireAlertChannel,
  type WireAlertDelivery,
  type WireAlertRule,
} from '../../../shared/alerts';
import type { ErrorInfo } from '../../../shared/errors';
import type { AgentDelta, AgentPage, BulkExhaustRequest, BulkResult, FleetApi, FleetSettings, ForceExhaustRequest, Result, SignInLink } from '../../../shared/fleet-api';
import { fromWireAgent, fromWireEvent, type WireAgent, type WireEvent, type WireSettings } from '../../../shared/wire';
import { DeltaBuilder, PUSH_INTERVAL_MS } from '../../../shared/delta-builder';
import { sleep } from '../../../shared/sleep';
import { describeRefusal } from '../lib/sign-in-refusal';
import { SseParser, type SseEvent } from './sse-parser';

const RECONNECT_MS = [500, 1000, 2000, 5000];

/**
 * Why the event stream stopped: the token is refused (401, or 403 for a token
 * that is not the operator's), which retrying won't mend, with what to tell
 * the operator; or the port can't be reached right now, which it retries.
 */
export type StreamTrouble =
  | { readonly kind: 'signed_out'; readonly message: string }
  /** `reason`: what the port said when it refused the stream for now (too many open, say). */
  | { readonly kind: 'unreachable'; readonly reason?: string };

/**
 * The headless transport: the port's operator endpoints over fetch, and its
 * event stream read with fetch too (EventSource cannot send a bearer token).
 */
export class HttpTransport implements FleetApi {
  constructor(
    private readonly token: string,
    private readonly base = '',
    private readonly fetchFn: typeof fetch = (...args) => fetch(...args),
  ) {}

  async listAgentsPage(cursor: string | null, limit: number): Promise<Result<AgentPage>> {
    const query = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await this.call<{ agents: WireAgent[]; next_cursor: string | null }>('GET', `/v1/agents?${query}`);
    return res.ok ? { ok: true, value: { agents: res.value.agents.map(fromWireAgent), nextCursor: res.value.next_cursor } } : res;
  }

  getAgent(id: string): Promise<Result<Agent>> {
    return this.agentCall('GET', `/v1/agents/${encodeURIComponent(id)}`);
  }

  async history(id: string, limit: number): Promise<Result<readonly StatusEvent[]>> {
    const res = await this.call<{ events: WireEvent[] }>('GET', `/v1/agents/${encodeURIComponent(id)}/events?limit=${limit}`);
    return res.ok ? { ok: true, value: res.value.events.map(fromWireEvent) } : res;
  }

  forceExhaust({ id, reason, recoveryAt, message, tz }: ForceExhaustRequest): Promise<Result<Agent>> {
    const body = {
      reason,
      ...(recoveryAt === undefined ? {} : { recovery_at: new Date(recoveryAt).toISOString() }),
      ...(message === undefined ? {} : { message }),
      ...(tz === undefined ? {} : { tz }),
    };
    return this.agentCall('POST', `/v1/agents/${encodeURIComponent(id)}/actions/exhaust`, body);
  }

  bulkRecover(ids: readonly string[]): Promise<Result<readonly BulkResult[]>> {
    return this.bulkCall('/v1/actions/recover', { ids });
  }

  bulkExhaust({ ids, reason, recoveryAt, message, tz }: BulkExhaustRequest): Promise<Result<readonly BulkResult[]>> {
    return this.bulkCall('/v1/actions/exhaust', {
      ids,
      reason,
      ...(recoveryAt === undefined ? {} : { recovery_at: new Date(recoveryAt).toISOString() }),
      ...(message === undefined ? {} : { message }),
      ...(tz === undefined ? {} : { tz }),
    });
  }

  private async bulkCall(path: string, body: unknown): Promise<Result<readonly BulkResult[]>> {
    type WireResult = { id: string; ok: true; agent: WireAgent } | { id: string; ok: false; error: ErrorInfo };
    const res = await this.call<{ results: WireResult[] }>('POST', path, body);
    if (!res.ok) return res;
    return { ok: true, value: res.value.results.map((r) => (r.ok ? { id: r.id, ok: true, agent: fromWireAgent(r.agent) } : r)) };
  }

  recover(id: string): Promise<Result<Agent>> {
    return this.agentCall('POST', `/v1/agents/${encodeURIComponent(id)}/actions/recover`);
  }

  forget(id: string): Promise<Result<Agent>> {
    return this.agentCall('DELETE', `/v1/agents/${encodeURIComponent(id)}`);
  }

  async getSettings(): Promise<Result<FleetSettings>> {
    const res = await this.call<WireSettings>('GET', '/v1/settings');
    if (!res.ok) return res;
    const s = res.value;
    return {
      ok: true,
      value: {
        url: s.url,
        port: s.port,
        agentToken: s.agent_token,
        operatorToken: s.operator_token,
        heartbeatTimeoutS: s.heartbeat_timeout_s,
        sweepIntervalMs: s.sweep_interval_ms,
        defaultRecoveryS: s.default_recovery_s,
        limits: {
          maxAgents: s.max_agents,
          maxStreams: s.max_streams,
          historyPerAgent: s.history_per_agent,
          historyDays: s.history_days,
          forgetOfflineDays: s.forget_offline_days,
          maxRecoveryS: s.max_recovery_s,
        },
        notifications: null,
      },
    };
  }

  async newSignInLink(): Promise<Result<SignInLink>> {
    const res = await this.call<{ url: string; expires_at: string }>('POST', '/v1/session/codes');
    return res.ok ? { ok: true, value: { url: res.value.url, expiresAt: Date.parse(res.value.expires_at) } } : res;
  }

  async setNotifications(): Promise<Result<FleetSettings>> {
    return { ok: false, error: { code: 'bad_request', message: 'Notifications are a desktop feature' } };
  }

  async listAlertChannels(): Promise<Result<readonly AlertChannel[]>> {
    const res = await this.call<{ channels: WireAlertChannel[] }>('GET', '/v1/alerts/channels');
    return res.ok ? { ok: true, value: res.value.channels.map(fromWireChannel) } : res;
  }

  createAlertChannel(channel: NewAlertChannel): Promise<Result<AlertChannel>> {
    return this.channelCall('POST', '/v1/alerts/channels', toChannelBody(channel));
  }

  deleteAlertChannel(id: string): Promise<Result<AlertChannel>> {
    return this.channelCall('DELETE', `/v1/alerts/channels/${encodeURIComponent(id)}`);
  }

  async testAlertChannel(id: string): Promise<Result<AlertDelivery>> {
    const res = await this.call<{ delivery: WireAlertDelivery }>('POST', `/v1/alerts/channels/${encodeURIComponent(id)}/test`);
    return res.ok ? { ok: true, value: fromWireDelivery(res.value.delivery) } : res;
  }

  async listAlertRules(): Promise<Result<readonly AlertRule[]>> {
    const res = await this.call<{ rules: WireAlertRule[] }>('GET', '/v1/alerts/rules');
    return res.ok ? { ok: true, value: res.value.rules.map(fromWireRule) } : res;
  }

  createAlertRule(rule: NewAlertRule): Promise<Result<AlertRule>> {
    return this.ruleCall('POST', '/v1/alerts/rules', toRuleBody(rule));
  }

  deleteAlertRule(id: string): Promise<Result<AlertRule>> {
    return this.ruleCall('DELETE', `/v1/alerts/rules/${encodeURIComponent(id)}`);
  }

  async listAlertDeliveries(limit: number): Promise<Result<readonly AlertDelivery[]>> {
    const res = await this.call<{ deliveries: WireAlertDelivery[] }>('GET', `/v1/alerts/deliveries?limit=${limit}`);
    return res.ok ? { ok: true, value: res.value.deliveries.map(fromWireDelivery) } : res;
  }

  private async channelCall(method: string, path: string, body?: unknown): Promise<Result<AlertChannel>> {
    const res = await this.call<{ channel: WireAlertChannel }>(method, path, body);
    return res.ok ? { ok: true, value: fromWireChannel(res.value.channel) } : res;
  }

  private async ruleCall(method: string, path: string, body?: unknown): Promise<Result<AlertRule>> {
    const res = await this.call<{ rule: WireAlertRule }>(method, path, body);
    return res.ok ? { ok: true, value: fromWireRule(res.value.rule) } : res;
  }

  /**
   * Follows `/v1/stream?snapshot=pages`: each connection starts with the
   * whole fleet in pages, the first of them a reset delivered at once (so a
   * reconnect never leaves the grid stale, and a large fleet shows as it
   * arrives), the rest added as they come; then the changes, coalesced into at most one delta per
   * {@link PUSH_INTERVAL_MS} as the desktop's pushes are (the port writes
   * each status change as it commits, a hundred small chunks a second under
   * load, and each delta costs the store a copy of the fleet). Reconnects
   * with backoff until unsubscribed.
   */
  onAgentsChanged(listener: (delta: AgentDelta) => void, onTrouble: (trouble: StreamTrouble) => void = () => {}): () => void {
    const controller = new AbortController();
    void this.follow(listener, onTrouble, controller.signal);
    return () => controller.abort();
  }

  private async follow(listener: (delta: AgentDelta) => void, onTrouble: (trouble: StreamTrouble) => void, signal: AbortSignal): Promise<void> {
    for (let attempt = 0; !signal.aborted; attempt++) {
      let refused: { reason: string; retryAfterMs: number } | undefined;
      try {
        const res = await this.fetchFn(`${this.base}/v1/stream?snapshot=pages`, { headers: this.headers(), signal });
        if (res.status === 401 || res.status === 403) {
          const json = (await res.json().catch(() => null)) as { error?: ErrorInfo } | null;
          return onTrouble({ kind: 'signed_out', message: describeRefusal(res.status, json?.error) });
        }
        if (res.status === 429) {
          // Too many streams open (other tabs and windows): say so, and wait as long as the port asks.
          const json = (await res.json().catch(() => null)) as { error?: ErrorInfo } | null;
          const retryAfterS = Number(res.headers.get('retry-after'));
          refused = {
            reason: json?.error?.message ?? 'The server is busy',
            retryAfterMs: Number.isFinite(retryAfterS) && retryAfterS > 0 ? Math.min(retryAfterS, 60) * 1000 : 0,
          };
        }
        if (res.ok && res.body) {
          attempt = 0;
          const parser = new SseParser();
          const pending = new DeltaBuilder();
          const snapshot: SnapshotProgress = { started: false };
          let timer: ReturnType<typeof setTimeout> | undefined;
          const deliver = () => {
            clearTimeout(timer);
            timer = undefined;
            const delta = pending.take();
            if (delta) listener(delta);
          };
          const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
          try {
            for (;;) {
              const { value, done } = await reader.read();
              if (done) break;
              addEvents(pending, parser.push(value), snapshot);
              if (pending.isReset) deliver();
              else if (!pending.isEmpty) timer ??= setTimeout(deliver, PUSH_INTERVAL_MS);
            }
          } finally {
            // What arrived before the stream ended or was stopped still counts.
            if (signal.aborted) clearTimeout(timer);
            else deliver();
          }
        }
      } catch {
        // The port went away (or never answered): say so below, and retry.
      }
      if (signal.aborted) return;
      onTrouble(refused ? { kind: 'unreachable', reason: refused.reason } : { kind: 'unreachable' });
      await sleep(Math.max(refused?.retryAfterMs ?? 0, RECONNECT_MS[Math.min(attempt, RECONNECT_MS.length - 1)]!), signal);
    }
  }

  private async agentCall(method: string, path: string, body?: unknown): Promise<Result<Agent>> {
    const res = await this.call<{ agent: WireAgent }>(method, path, body);
    return res.ok ? { ok: true, value: fromWireAgent(res.value.agent) } : res;
  }

  private headers(): Record<string, string> {
    return { authorization: `Bearer ${this.token}` };
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<Result<T>> {
    try {
      const res = await this.fetchFn(`${this.base}${path}`, {
        method,
        headers: body === undefined ? this.headers() : { ...this.headers(), 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json = (await res.json().catch(() => null)) as ({ error?: ErrorInfo } & T) | null;
      if (res.ok && json) return { ok: true, value: json };
      return { ok: false, error: json?.error ?? { code: 'internal', message: `The server answered ${res.status}` } };
    } catch {
      return { ok: false, error: { code: 'internal', message: 'Fleet Monitor cannot be reached' } };
    }
  }
}

/** Where one connection is in its paged snapshot: whether its first page (the reset) has come. */
export interface SnapshotProgress {
  started: boolean;
}

/**
 * Adds a chunk's events to `builder` (unknown event types are skipped, as SSE
 * intends): a connection's first `snapshot_page` replaces the fleet, the
 * later ones add to it; `snapshot`, the whole fleet in one event, replaces it.
 */
export function addEvents(builder: DeltaBuilder, events: readonly SseEvent[], snapshot: SnapshotProgress = { started: false }): void {
  for (const { event, data } of events) {
    if (event === 'snapshot_page') {
      const page = JSON.parse(data) as { agents: WireAgent[]; last: boolean };
      const agents = page.agents.map(fromWireAgent);
      if (snapshot.started) for (const agent of agents) builder.upsert(agent);
      else builder.replaceAll(agents);
      snapshot.started = true;
      builder.setLoading(!page.last);
    } else if (event === 'snapshot') builder.replaceAll((JSON.parse(data) as { agents: WireAgent[] }).agents.map(fromWireAgent));
    else if (event === 'agent') builder.upsert(fromWireAgent(JSON.parse(data) as WireAgent));
    else if (event === 'agent_removed') builder.remove((JSON.parse(data) as { id: string }).id);
  }
}
