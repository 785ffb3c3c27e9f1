import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ZodType } from 'zod';
import { alertIdSchema, deliveriesLimitSchema, newChannelBodySchema, newRuleBodySchema } from '../../../shared/alert-schemas';
import { toWireChannel, toWireDelivery, toWireRule } from '../../../shared/alerts';
import type { Alerts } from '../alerts/alerts';
import { DEFAULT_DELIVERY_PAGE } from '../alerts/alerts';
import { HttpError } from './http-error';
import { readJsonText, sendJson } from './http-io';
import type { RequestTarget } from './request-target';

/** Where the alert API lives; the port hands every path under it here (operator token already checked). */
export const ALERTS_PREFIX = '/v1/alerts/';

export interface AlertRouteOptions {
  /**
   * Whether `command` channels may be made over HTTP: a program run by the
   * monitor, so only when the port is reachable from this machine alone
   * (loopback) or the operator said so (`FLEET_ALERT_COMMANDS=on`).
   */
  readonly allowCommands: boolean;
}

type Handler = (alerts: Alerts, ctx: { id: string; body: string | undefined; query: URLSearchParams }) => Promise<[number, unknown]> | [number, unknown];

interface AlertRoute {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** The path under {@link ALERTS_PREFIX}; `{id}` is one alert id. */
  readonly path: RegExp;
  readonly handle: Handler;
}

/** Parsed and checked here, never cached: a channel's body may hold its secret. */
function parse<T>(schema: ZodType<T>, text: string | undefined): T {
  let json: unknown = {};
  if (text !== undefined) {
    try {
      json = JSON.parse(text) ?? {};
    } catch {
      throw new HttpError('bad_request', 'The body is not valid JSON');
    }
  }
  return schema.parse(json);
}

function routes(options: AlertRouteOptions): readonly AlertRoute[] {
  return [
    { method: 'GET', path: /^channels$/, handle: (a) => [200, { channels: a.channels().map(toWireChannel) }] },
    {
      method: 'POST',
      path: /^channels$/,
      handle: (a, { body }) => {
        const channel = parse(newChannelBodySchema, body);
        if (channel.kind === 'command' && !options.allowCommands) {
          throw new HttpError(
            'forbidden',
            'command channels run a program on this machine: over HTTP they are made only when the port listens on loopback, or with FLEET_ALERT_COMMANDS=on',
          );
        }
        return [201, { channel: toWireChannel(a.createChannel(channel)) }];
      },
    },
    { method: 'DELETE', path: /^channels\/(?<id>[^/]+)$/, handle: (a, { id }) => [200, { channel: toWireChannel(a.deleteChannel(id)) }] },
    { method: 'POST', path: /^channels\/(?<id>[^/]+)\/test$/, handle: async (a, { id }) => [200, { delivery: toWireDelivery(await a.testChannel(id)) }] },
    { method: 'GET', path: /^rules$/, handle: (a) => [200, { rules: a.rules().map(toWireRule) }] },
    { method: 'POST', path: /^rules$/, handle: (a, { body }) => [201, { rule: toWireRule(a.createRule(parse(newRuleBodySchema, body))) }] },
    { method: 'DELETE', path: /^rules\/(?<id>[^/]+)$/, handle: (a, { id }) => [200, { rule: toWireRule(a.deleteRule(id)) }] },
    {
      method: 'GET',
      path: /^deliveries$/,
      handle: (a, { query }) => {
        const limit = query.has('limit') ? deliveriesLimitSchema.parse(query.get('limit')) : DEFAULT_DELIVERY_PAGE;
        return [200, { deliveries: a.deliveries(limit).map(toWireDelivery) }];
      },
    },
  ];
}

/** Answers one request under `/v1/alerts/`: 404 for an unknown path, 405 (with Allow) for a wrong method. */
export function createAlertRoutes(alerts: Alerts, options: AlertRouteOptions) {
  const table = routes(options);
  return async function answerAlerts(req: IncomingMessage, res: ServerResponse, url: RequestTarget): Promise<void> {
    const rest = url.pathname.slice(ALERTS_PREFIX.length);
    const allowed: string[] = [];
    for (const route of table) {
      const match = route.path.exec(rest);
      if (!match) continue;
      if (route.method !== req.method) {
        allowed.push(route.method);
        continue;
      }
      const id = decodeAlertId(match.groups?.id);
      const body = await readJsonText(req);
      const [status, reply] = await route.handle(alerts, { id, body, query: url.searchParams });
      return sendJson(res, status, reply);
    }
    if (allowed.length === 0) throw new HttpError('not_found', `No such endpoint: ${url.pathname}`);
    const allow = [...new Set(allowed)].join(', ');
    throw new HttpError('method_not_allowed', `Use ${allow} on ${url.pathname}`, { allow });
  };
}

function decodeAlertId(raw: string | undefined): string {
  if (raw === undefined) return '';
  let id: string;
  try {
    id = decodeURIComponent(raw);
  } catch {
    id = '';
  }
  const parsed = alertIdSchema.safeParse(id);
  if (!parsed.success) throw new HttpError('bad_request', 'alert ids are 1–64 characters of A-Z a-z 0-9 _ -');
  return parsed.data;
}
