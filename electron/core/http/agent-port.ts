import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Clock } from '../../../shared/clock';
import type { Disposable } from '../../../shared/disposable';
import { AGENT_ID_PATTERN } from '../../../shared/http-schemas';
import { DEFAULT_HEARTBEAT_TIMEOUT_S, DEFAULT_RECOVERY_S } from '../../../shared/status';
import type { WireSettings } from '../../../shared/wire';
import { DEFAULT_LIMITS, type FleetLimits } from '../../../shared/fleet-api';
import type { FleetService } from '../fleet-service';
import { EventStreamHub, type EventStreamOptions, type SnapshotMode } from './event-stream';
import { answerClientError } from './client-error';
import { ALERTS_PREFIX, createAlertRoutes } from './alert-routes';
import type { Alerts } from '../alerts/alerts';
import { HttpError, toHttpError } from './http-error';
import { ChunkedJson, MAX_BODY_BYTES, noContent, readJsonBody, readJsonText, sendError, sendJson, sendJsonChunks } from './http-io';
import { JsonBodyParser } from './json-body';
import { PREFERENCE_APPLIED, prefersMinimalReturn } from './prefer';
import { parseTarget } from './request-target';
import { allowedHosts, checkRequestOrigin, hasRepeatedHost, hostPort } from './request-guard';
import { ROUTES, type Access, type Route, type RouteContext } from './routes';
import { answerNewCode, answerSession, SESSION_CODES_PATH, SESSION_PATH, SignInCodes } from './sign-in';
import { StaticFiles } from './static-files';
import { WriteBatch } from './write-batch';
import { constantTimeEqual, createTokenCheck, type PortTokens, type TokenRole } from './tokens';

export interface AgentPortOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly tokens: PortTokens;
  /** Further Host values to answer to (`name` or `name:port`). */
  readonly allowedHosts?: readonly string[];
  /** Bounds on slow clients (slow-loris): whole headers, and the whole request. */
  readonly headersTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly onError?: (error: unknown) => void;
  /** The built UI to serve at `/` (headless mode); none when absent. */
  readonly uiDir?: string;
  /** Timings shown in the settings view. */
  readonly timings?: { heartbeatTimeoutS: number; sweepIntervalMs: number; defaultRecoveryS: number };
  /** The fleet's bounds: enforced where the port enforces them (streams), shown in the settings view. */
  readonly limits?: FleetLimits;
  /** The event streams' buffer bound (tests lower it). */
  readonly stream?: EventStreamOptions;
  /** The alert API under `/v1/alerts/` (operator token); absent, those paths are 404. */
  readonly alerts?: { readonly alerts: Alerts; readonly allowCommands: boolean };
}

/** The running port. */
export interface AgentPort extends Disposable {
  readonly host: string;
  readonly port: number;
  /** `http://host:port`, ready to print. */
  readonly url: string;
  /** Whether the built UI is served at `/`. */
  readonly hasUi: boolean;
  /** A link to the UI with a fresh one-time sign-in code (`…/#code=…`): never the operator token. */
  signInUrl(): string;
  /** Stops accepting, ends event streams and closes every connection. */
  close(): Promise<void>;
}

interface CompiledRoute extends Route {
  readonly regex: RegExp;
  readonly bodies: JsonBodyParser<unknown> | undefined;
}

/** The routes with their path patterns and body parsers; one set per port, so no state is shared between ports. */
function compileRoutes(): readonly CompiledRoute[] {
  return ROUTES.map((route) => ({
    ...route,
    // An empty id before a further segment matches too, so `/v1/agents//heartbeat` is a bad
    // id (400), not an unknown path; `/v1/agents/` stays an unknown path (404).
    regex: new RegExp(`^${route.path.replace('{id}/', '(?<id>[^/]*)/').replace('{id}', '(?<id>[^/]+)')}$`),
    bodies: route.body && new JsonBodyParser(route.body),
  }));
}

/**
 * Starts the agent port: the HTTP API agents post heartbeats and status to,
 * and operators read and act through. Plain Node; the desktop app and
 * `npm run serve` both start it.
 */
export async function startAgentPort(service: FleetService, clock: Clock, options: AgentPortOptions): Promise<AgentPort> {
  const routes = compileRoutes();
  const limits = options.limits ?? DEFAULT_LIMITS;
  const onError = options.onError ?? ((error: unknown) => console.error('fleet-monitor: request failed:', error));
  const hub = new EventStreamHub(service.onDidChange, service, { onError, ...options.stream });
  const tokenRole = createTokenCheck(options.tokens);
  const writes = new WriteBatch((tasks) => service.runGrouped(tasks));
  const ui = options.uiDir ? new StaticFiles(options.uiDir) : undefined;
  const signInCodes = new SignInCodes(clock);
  const answerAlerts = options.alerts && createAlertRoutes(options.alerts.alerts, { allowCommands: options.alerts.allowCommands });
  // Known once listening (the port may be 0 until then); requests only arrive after.
  const listening: { hosts: ReadonlySet<string>; settings?: WireSettings } = { hosts: new Set() };

  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const server = http.createServer(
    {
      headersTimeout,
      requestTimeout: options.requestTimeoutMs ?? 15_000,
      // Node enforces both timeouts only when it sweeps its connections (every 30 s by
      // default): sweep often enough that a slow-loris client is cut close to the limit.
      connectionsCheckingInterval: Math.min(1_000, headersTimeout / 2),
      keepAliveTimeout: 5_000,
      // A request without Host is refused by the Host check below (403, in the JSON shape), not by Node.
      requireHostHeader: false,
    },
    startInTurn,
  );

  /** Per connection, how many pipelined requests wait for the answer ahead of them. */
  const waiting = new WeakMap<Socket, number>();

  /**
   * Node hands over a pipelined request as soon as its head is parsed, but
   * answers in order: one behind an answer still owed on its connection gets
   * its socket only once that answer is sent. It starts then, so the requests
   * of one connection are judged in the order they were sent (a body-less one
   * does not overtake the body ahead of it). A waiting request writes nothing,
   * so Node's own brake (it stops reading a connection whose answers pile up
   * unsent) never applies: their number is bounded here instead.
   */
  function startInTurn(req: IncomingMessage, res: ServerResponse): void {
    if (res.socket) return guard(res, () => handle(req, res));
    const socket = req.socket;
    const queued = (waiting.get(socket) ?? 0) + 1;
    if (queued > MAX_WAITING_REQUESTS) return void socket.destroy();
    waiting.set(socket, queued);
    res.once('socket', () => {
      waiting.set(socket, waiting.get(socket)! - 1);
      // Node hands the next answer its socket even as the connection is being closed (a
      // stream ended by the port's close): nobody is left to answer, so nothing is done.
      if (!socket.destroyed) guard(res, () => handle(req, res));
    });
  }

  // What Node's parser refuses never reaches `handle`: answer it in the same JSON shape, then close.
  server.on('clientError', answerClientError);

  /**
   * Runs one step of answering a request and answers its failure, thrown or
   * rejected. The heartbeat's path is synchronous from the body's last byte
   * to the reply (no promise, no microtask): only the steps that wait return one.
   */
  function guard(res: ServerResponse, step: () => Promise<void> | void): void {
    let pending: Promise<void> | void;
    try {
      pending = step();
    } catch (error) {
      return fail(res, error);
    }
    pending?.catch((error: unknown) => fail(res, error));
  }

  function fail(res: ServerResponse, error: unknown): void {
    const httpError = toHttpError(error);
    if (httpError.code === 'internal') onError(error);
    if (!res.headersSent) sendError(res, httpError);
    else res.destroy();
  }

  function handle(req: IncomingMessage, res: ServerResponse): Promise<void> | void {
    // The front door: before auth, before reading a byte of the body.
    if (hasRepeatedHost(req.rawHeaders)) throw new HttpError('bad_request', 'The request has more than one Host header');
    const refusal = checkRequestOrigin({ host: req.headers.host, origin: req.headers.origin }, listening.hosts);
    if (refusal) throw new HttpError('forbidden', refusal);
    if (req.method === 'OPTIONS') {
      // No CORS: same-origin callers never preflight, and nobody else is served.
      throw new HttpError('method_not_allowed', 'CORS preflight is not supported', { allow: 'GET, POST, DELETE' });
    }

    const target = parseTarget(req.url);
    const { pathname } = target;
    if (pathname === '/healthz') {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError('method_not_allowed', 'Use GET', { allow: 'GET, HEAD' });
      return sendJson(res, 200, { status: 'ok' });
    }

    if (ui?.has(pathname)) {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError('method_not_allowed', 'Use GET', { allow: 'GET, HEAD' });
      return ui.send(res, pathname, req.method === 'HEAD');
    }

    // Outside the API there is nothing to authenticate for: just not found.
    if (pathname !== '/v1' && !pathname.startsWith('/v1/')) throw new HttpError('not_found', `No such endpoint: ${pathname}`);

    // The page trades a one-time code for the operator token: the code is its credential, not a bearer token.
    if (pathname === SESSION_PATH) return answerSession(req, res, signInCodes, options.tokens.operatorToken);

    const role = authenticate(req);
    if (pathname === SESSION_CODES_PATH) {
      requireAccess(role, 'operator');
      return answerNewCode(req, res, signInCodes, listening.settings!.url);
    }
    if (pathname === '/v1/stream') {
      if (req.method !== 'GET') throw new HttpError('method_not_allowed', 'Use GET', { allow: 'GET' });
      requireAccess(role, 'operator');
      return answerStream(req, res, target.searchParams);
    }

    if (answerAlerts && pathname.startsWith(ALERTS_PREFIX)) {
      requireAccess(role, 'operator');
      return answerAlerts(req, res, target);
    }

    const { route, match } = matchRoute(routes, req.method, pathname);
    requireAccess(role, route.access);

    const id = route.path.includes('{id}') ? decodeId(match.groups?.id) : '';
    // Every body is read and checked (type, size, UTF-8), also on routes that take none.
    readJsonBody(req, route.maxBodyBytes ?? MAX_BODY_BYTES, (error, text) => {
      if (error) return fail(res, error);
      guard(res, () => answerRoute(req, res, route, { id, body: route.bodies?.parse(text), query: target.searchParams, now: clock.now(), settings: listening.settings! }));
    });
  }

  async function answerStream(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    await readJsonText(req); // a body, if any, follows the same rules as everywhere under /v1
    const mode = snapshotMode(query.get('snapshot'));
    if (hub.size >= limits.maxStreams) {
      throw new HttpError('too_many_streams', `At most ${limits.maxStreams} event streams may be open (FLEET_MAX_STREAMS); close one, or try again later`, {
        'retry-after': '5',
      });
    }
    hub.attach(res, mode);
  }

  function answerRoute(req: IncomingMessage, res: ServerResponse, route: CompiledRoute, ctx: RouteContext): Promise<void> | void {
    if (route.method === 'GET') {
      const result = route.handle(service, ctx);
      return result instanceof ChunkedJson ? sendJsonChunks(res, 200, result.chunks) : sendJson(res, 200, reply(route, result));
    }
    // Writes that arrive together commit together, each answered only after that commit; a
    // write that needs no commit now (a plain heartbeat) is answered at once — unless writes
    // are queued, which it must come after.
    const atOnce = writes.idle ? route.atOnce?.(service, ctx) : undefined;
    if (atOnce !== undefined) return answerWrite(req, res, route, atOnce);
    return writes.run(() => route.handle(service, ctx)).then((result) => answerWrite(req, res, route, result));
  }

  /** A write's answer, once it is written (committed, or for a plain heartbeat group-committed). */
  function answerWrite(req: IncomingMessage, res: ServerResponse, route: CompiledRoute, result: unknown): void {
    if (!route.alwaysReply && prefersMinimalReturn(req.headers.prefer)) return sendMinimal(res);
    sendJson(res, 200, reply(route, result));
  }

  /**
   * Per connection, the last Authorization value verified on it and whose it
   * was: a keep-alive connection's next request with the same value skips the
   * hash (most of a heartbeat's auth cost). The comparison is constant-time
   * like the check itself, and a different value is checked from scratch.
   */
  const verified = new WeakMap<Socket, { readonly header: string; readonly role: TokenRole }>();

  function authenticate(req: IncomingMessage): TokenRole {
    const header = req.headers.authorization;
    const known = verified.get(req.socket);
    if (known && header !== undefined && constantTimeEqual(known.header, header)) return known.role;
    const role = checkAuthorization(header);
    verified.set(req.socket, { header: header!, role });
    return role;
  }

  function checkAuthorization(header: string | undefined): TokenRole {
    const match = header ? /^Bearer[ ]+(\S+)\s*$/i.exec(header) : null;
    const token = match?.[1];
    if (!token) throw new HttpError('unauthorized', 'A bearer token is required', { 'www-authenticate': 'Bearer' });
    const role = tokenRole(token);
    if (role) return role;
    throw new HttpError('unauthorized', 'The bearer token is not valid', { 'www-authenticate': 'Bearer error="invalid_token"' });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  listening.hosts = allowedHosts(options.host, port, options.allowedHosts ?? []);
  const url = `http://${hostPort(options.host, port)}`;
  listening.settings = {
    url,
    port,
    agent_token: options.tokens.agentToken,
    operator_token: options.tokens.operatorToken,
    heartbeat_timeout_s: options.timings?.heartbeatTimeoutS ?? DEFAULT_HEARTBEAT_TIMEOUT_S,
    sweep_interval_ms: options.timings?.sweepIntervalMs ?? 1000,
    default_recovery_s: options.timings?.defaultRecoveryS ?? DEFAULT_RECOVERY_S,
    max_agents: limits.maxAgents,
    max_streams: limits.maxStreams,
    history_per_agent: limits.historyPerAgent,
    history_days: limits.historyDays,
    forget_offline_days: limits.forgetOfflineDays,
    max_recovery_s: limits.maxRecoveryS,
  };

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      hub.dispose();
      server.close(() => resolve());
      server.closeAllConnections();
    }));
  return {
    host: options.host,
    port,
    url,
    hasUi: ui?.available ?? false,
    signInUrl: () => signInCodes.link(url).url,
    close,
    dispose: () => void close(),
  };
}

/**
 * The most requests one connection may have waiting behind an answer not yet
 * sent (pipelined); one more closes the connection. No sender of ours
 * pipelines; a client that sends without ever reading would otherwise make
 * the port hold every request it sends.
 */
export const MAX_WAITING_REQUESTS = 32;

/** A write's answer under `Prefer: return=minimal`. */
const sendMinimal = noContent(PREFERENCE_APPLIED);

/** `?snapshot=1`: the whole fleet in one event; `pages`: in pages; anything else (as before pages existed) none. */
function snapshotMode(value: string | null): SnapshotMode {
  return value === '1' ? 'whole' : value === 'pages' ? 'pages' : 'none';
}

/** The route's JSON reply for its result. */
function reply(route: Route, result: unknown): unknown {
  return route.reply ? route.reply(result) : result;
}

/** The route for `method` and `pathname`: 404 when no path matches, 405 (with Allow) when only the method is wrong. */
function matchRoute(routes: readonly CompiledRoute[], method: string | undefined, pathname: string): { route: CompiledRoute; match: RegExpExecArray } {
  const allowed: string[] = [];
  for (const route of routes) {
    const match = route.regex.exec(pathname);
    if (!match) continue;
    if (route.method === method) return { route, match };
    allowed.push(route.method);
  }
  if (allowed.length === 0) throw new HttpError('not_found', `No such endpoint: ${pathname}`);
  const allow = [...new Set(allowed)].join(', ');
  throw new HttpError('method_not_allowed', `Use ${allow} on ${pathname}`, { allow });
}

function requireAccess(role: TokenRole, access: Access): void {
  if (access === 'operator' && role !== 'operator') throw new HttpError('forbidden', 'This endpoint needs the operator token');
}

function decodeId(raw: string | undefined): string {
  let id: string | undefined;
  try {
    // Without a `%` there is nothing to decode (and decoding would change nothing).
    id = raw === undefined ? undefined : raw.includes('%') ? decodeURIComponent(raw) : raw;
  } catch {
    id = undefined;
  }
  if (id === undefined || !AGENT_ID_PATTERN.test(id)) {
    throw new HttpError('bad_request', 'agent id must be 1–128 characters of A-Z a-z 0-9 . _ : @ -');
  }
  return id;
}
