/**
 * A small typed client of the Fleet Monitor agent port. It uses only `fetch`,
 * so an agent written in TypeScript (Node 18+, Deno, Bun, a browser
 * extension) can import it as it is. The `fleet-monitor` CLI is built on it.
 */
import { AGENT_ID_PATTERN } from '../shared/agent-id';
import type { ExhaustReason, SlotType } from '../shared/status';
import type { WireAgent, WireEvent } from '../shared/wire';

export type { WireAgent, WireEvent } from '../shared/wire';

/** Where the agent port listens unless FLEET_URL or --url says otherwise. */
export const DEFAULT_FLEET_URL = 'http://127.0.0.1:7421';

export interface FleetClientOptions {
  /** The port's base URL, e.g. `http://127.0.0.1:7421`. */
  readonly url: string;
  /** The agent token (or the operator token for operator calls). */
  readonly token: string;
  readonly fetch?: typeof fetch;
  /** Per request; default 10 s. */
  readonly timeoutMs?: number;
}

export interface AgentProfile {
  readonly name?: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** The agent's quota windows (heartbeats only). */
  readonly usage?: UsageReport;
}

/** Usage windows as the port takes them: `{five_hour: {used_percent: 42, resets_at: epoch seconds | RFC 3339 | null}}`. */
export type UsageReport = Readonly<Record<string, { readonly used_percent: number; readonly resets_at?: number | string | null }>>;

export interface ExhaustedReport {
  /** Left out, the port infers it from the message (billing where it says billing, else rate_limit). */
  readonly reason?: ExhaustReason;
  readonly recoveryAt?: string | Date;
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  /** The limit message the agent printed, up to 16 KiB. */
  readonly message?: string;
  /** The provider's error body, any JSON. */
  readonly error?: unknown;
  /** The IANA zone to read the message's clock times in. */
  readonly tz?: string;
  readonly usage?: UsageReport;
}

/** The port answered with an error: `code` is its stable error code (`invalid_transition`, …). */
export class FleetApiError extends Error {
  override readonly name = 'FleetApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The port could not be reached, or did not answer in time. */
export class FleetConnectionError extends Error {
  override readonly name = 'FleetConnectionError';
}

/** An agent id the port would refuse; checked before any request is sent. */
export function isValidAgentId(id: string): boolean {
  return AGENT_ID_PATTERN.test(id);
}

export class FleetClient {
  private readonly base: string;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;

  constructor(private readonly options: FleetClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? ((...args) => fetch(...args));
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** A fresh one-time link to the operator UI (needs the operator token). */
  signInLink(): Promise<{ url: string; expires_at: string }> {
    return this.request('POST', '/v1/session/codes');
  }

  /** Records a heartbeat (registering the agent on first contact). */
  async heartbeat(id: string, profile: AgentProfile = {}): Promise<WireAgent> {
    return (await this.agentPost(id, 'heartbeat', Object.keys(profile).length ? profile : undefined)).agent;
  }

  /**
   * A heartbeat whose reply is not needed: it asks `Prefer: return=minimal`
   * and gets a bare 204, the cheapest beat for the monitor to answer.
   */
  async beat(id: string, profile: AgentProfile = {}): Promise<void> {
    await this.request('POST', `${this.agentPath(id)}/heartbeat`, Object.keys(profile).length ? profile : undefined, { minimal: true });
  }

  /** idle → busy (`work`) or on_call (`on_call`). */
  async busy(id: string, slotType: SlotType = 'work'): Promise<WireAgent> {
    return (await this.agentPost(id, 'busy', { slot_type: slotType })).agent;
  }

  /** The task ended: back to idle. `exitCode` (a wrapped command's) goes into the event's detail. */
  async idle(id: string, options: { exitCode?: number } = {}): Promise<WireAgent> {
    return (await this.agentPost(id, 'idle', options.exitCode === undefined ? undefined : { exit_code: options.exitCode })).agent;
  }

  /** A clean shutdown: offline now (a no-op when already offline). */
  async offline(id: string, options: { exitCode?: number } = {}): Promise<WireAgent> {
    return (await this.agentPost(id, 'offline', options.exitCode === undefined ? undefined : { exit_code: options.exitCode })).agent;
  }

  /**
   * Forwards a hook payload exactly as Claude Code or Codex produced it to
   * `POST /v1/hooks/{source}`; the port answers `{}` whatever the rules allowed.
   */
  async hook(source: 'claude-code' | 'codex', payload: unknown, options: { agent?: string; tz?: string } = {}): Promise<void> {
    const query = new URLSearchParams({ ...(options.agent ? { agent: options.agent } : {}), ...(options.tz ? { tz: options.tz } : {}) }).toString();
    await this.request('POST', `/v1/hooks/${source}${query ? `?${query}` : ''}`, payload, { minimal: true });
  }

  /**
   * Quota, rate-limit or billing error. Pass what the agent saw — the
   * provider's response headers, the limit message it printed, the provider's
   * error body — and the port works out the reason and when it resets.
   */
  async exhausted(id: string, report: ExhaustedReport = {}): Promise<WireAgent> {
    const body = {
      ...(report.reason !== undefined ? { reason: report.reason } : {}),
      ...(report.recoveryAt !== undefined ? { recovery_at: new Date(report.recoveryAt).toISOString() } : {}),
      ...(report.headers ? { headers: report.headers } : {}),
      ...(report.message !== undefined ? { message: report.message } : {}),
      ...(report.error !== undefined ? { error: report.error } : {}),
      ...(report.tz !== undefined ? { tz: report.tz } : {}),
      ...(report.usage ? { usage: report.usage } : {}),
    };
    return (await this.agentPost(id, 'exhausted', body)).agent;
  }

  async list(): Promise<WireAgent[]> {
    return (await this.request<{ agents: WireAgent[] }>('GET', '/v1/agents')).agents;
  }

  async get(id: string): Promise<WireAgent> {
    return (await this.request<{ agent: WireAgent }>('GET', this.agentPath(id))).agent;
  }

  /** Newest first. */
  async events(id: string, limit = 100): Promise<WireEvent[]> {
    return (await this.request<{ events: WireEvent[] }>('GET', `${this.agentPath(id)}/events?limit=${limit}`)).events;
  }

  /** Operator token only. */
  async forceExhaust(id: string, action: { reason: ExhaustReason; recoveryAt?: string | Date }): Promise<WireAgent> {
    const body = { reason: action.reason, ...(action.recoveryAt !== undefined ? { recovery_at: new Date(action.recoveryAt).toISOString() } : {}) };
    return (await this.request<{ agent: WireAgent }>('POST', `${this.agentPath(id)}/actions/exhaust`, body)).agent;
  }

  /** Operator token only. */
  async recover(id: string): Promise<WireAgent> {
    return (await this.request<{ agent: WireAgent }>('POST', `${this.agentPath(id)}/actions/recover`)).agent;
  }

  /** Operator token only: forgets the agent and its history. */
  async forget(id: string): Promise<WireAgent> {
    return (await this.request<{ agent: WireAgent }>('DELETE', this.agentPath(id))).agent;
  }

  private agentPath(id: string): string {
    if (!isValidAgentId(id)) throw new FleetApiError(400, 'bad_request', 'agent id must be 1–128 characters of A-Z a-z 0-9 . _ : @ -');
    return `/v1/agents/${encodeURIComponent(id)}`;
  }

  private agentPost(id: string, action: string, body?: unknown): Promise<{ agent: WireAgent }> {
    return this.request('POST', `${this.agentPath(id)}/${action}`, body);
  }

  /** With `minimal`, a write asks for no reply (RFC 7240 `Prefer: return=minimal`) and a 204 resolves to undefined. */
  private async request<T>(method: string, path: string, body?: unknown, options: { minimal?: boolean } = {}): Promise<T> {
    const url = `${this.base}${path}`;
    let res: Response;
    try {
      res = await this.fetchFn(url, {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(options.minimal ? { prefer: 'return=minimal' } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const why = error instanceof Error && error.name === 'TimeoutError' ? `no answer in ${this.timeoutMs} ms` : 'connection failed';
      throw new FleetConnectionError(`cannot reach Fleet Monitor at ${this.base} (${why})`);
    }
    const text = await res.text();
    if (options.minimal && res.status === 204) return undefined as T;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (res.ok && json !== undefined) return json as T;
    const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    if (error && typeof error.code === 'string' && typeof error.message === 'string') {
      throw new FleetApiError(res.status, error.code, error.message);
    }
    throw new FleetApiError(res.status, `http_${res.status}`, `unexpected answer from ${url}: HTTP ${res.status}`);
  }
}
