/**
 * The alert methods of the headless transport against a recording fetch:
 * method, path, operator token and JSON body as the port's `/v1/alerts/*`
 * routes take them, the replies read back into domain objects, errors passed
 * on. And the bodies both transports send parse, with the port's own schemas,
 * back into what was asked.
 */
import { describe, expect, it } from 'vitest';
import { toChannelBody, toRuleBody } from '../../shared/alert-bodies';
import { newChannelBodySchema, newRuleBodySchema } from '../../shared/alert-schemas';
import {
  toWireChannel,
  toWireDelivery,
  toWireRule,
  type AlertChannel,
  type AlertDelivery,
  type AlertRule,
  type NewAlertChannel,
  type NewAlertRule,
} from '../../shared/alerts';
import { HttpTransport } from '../../renderer/src/transport/http-transport';
import { T0 } from './fixtures';

const channel: AlertChannel = {
  id: 'ch_1',
  name: 'ops hook',
  kind: 'webhook',
  url: 'https://hooks.example/fleet',
  command: null,
  hasSecret: true,
  enabled: false,
  disabledReason: 'The receiver answered 410 Gone',
  createdAt: T0,
};
const rule: AlertRule = { id: 'rl_1', channelId: 'ch_1', on: ['offline', 'exhausted'], selector: { team: 'infra' }, coalesceS: 10, repeatAfterS: 600, createdAt: T0 + 1_000 };
const delivery: AlertDelivery = {
  id: 'dl_1',
  channelId: 'ch_1',
  ruleId: null,
  state: 'pending',
  attempts: 2,
  lastError: 'connect ECONNREFUSED 127.0.0.1:9',
  summary: 'Test message',
  createdAt: T0 + 2_000,
  nextAttemptAt: T0 + 6_000,
  sentAt: null,
  test: true,
};

interface Request {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A transport whose fetch records each request and answers `status` with `reply`. */
function transport(status: number, reply: unknown) {
  const requests: Request[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    requests.push({
      method: init?.method ?? 'GET',
      url: String(input),
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: init?.body === undefined ? undefined : JSON.parse(String(init.body)),
    });
    return new Response(JSON.stringify(reply), { status, headers: { 'content-type': 'application/json' } });
  };
  return { api: new HttpTransport('op-token', 'http://127.0.0.1:7421', fetchFn), requests };
}

const BASE = 'http://127.0.0.1:7421';

describe('HttpTransport alert methods', () => {
  it.each([
    ['listAlertChannels', [], 200, { channels: [toWireChannel(channel)] }, 'GET', '/v1/alerts/channels', [channel]],
    ['deleteAlertChannel', ['ch_1'], 200, { channel: toWireChannel(channel) }, 'DELETE', '/v1/alerts/channels/ch_1', channel],
    ['testAlertChannel', ['ch_1'], 200, { delivery: toWireDelivery(delivery) }, 'POST', '/v1/alerts/channels/ch_1/test', delivery],
    ['listAlertRules', [], 200, { rules: [toWireRule(rule)] }, 'GET', '/v1/alerts/rules', [rule]],
    ['deleteAlertRule', ['rl_1'], 200, { rule: toWireRule(rule) }, 'DELETE', '/v1/alerts/rules/rl_1', rule],
    ['listAlertDeliveries', [20], 200, { deliveries: [toWireDelivery(delivery)] }, 'GET', '/v1/alerts/deliveries?limit=20', [delivery]],
  ] as const)('%s calls %s %s… with the operator token, and reads the reply', async (method, args, status, reply, verb, path, expected) => {
    const { api, requests } = transport(status, reply);
    const result = await (api[method] as (...a: unknown[]) => Promise<unknown>)(...args);
    expect(result).toEqual({ ok: true, value: expected });
    expect(requests).toEqual([{ method: verb, url: `${BASE}${path}`, headers: { authorization: 'Bearer op-token' }, body: undefined }]);
  });

  it('creates a channel with POST /v1/alerts/channels and its JSON body (absent fields left out), read from the 201', async () => {
    const { api, requests } = transport(201, { channel: toWireChannel(channel) });
    const asked: NewAlertChannel = { name: 'ops hook', kind: 'webhook', url: 'https://hooks.example/fleet', command: undefined, secret: 's3cret' };
    expect(await api.createAlertChannel(asked)).toEqual({ ok: true, value: channel });
    expect(requests).toEqual([
      {
        method: 'POST',
        url: `${BASE}/v1/alerts/channels`,
        headers: { authorization: 'Bearer op-token', 'content-type': 'application/json' },
        body: { name: 'ops hook', kind: 'webhook', url: 'https://hooks.example/fleet', secret: 's3cret' },
      },
    ]);
  });

  it('creates a rule with POST /v1/alerts/rules and its snake_case body', async () => {
    const { api, requests } = transport(201, { rule: toWireRule(rule) });
    expect(await api.createAlertRule({ channelId: 'ch_1', on: ['offline', 'exhausted'], selector: { team: 'infra' }, coalesceS: 10, repeatAfterS: 600 })).toEqual({ ok: true, value: rule });
    expect(requests[0]).toMatchObject({ method: 'POST', url: `${BASE}/v1/alerts/rules` });
    expect(requests[0]!.body).toEqual({ channel_id: 'ch_1', on: ['offline', 'exhausted'], selector: { team: 'infra' }, coalesce_s: 10, repeat_after_s: 600 });
  });

  it('ids go into the path escaped', async () => {
    const { api, requests } = transport(404, { error: { code: 'not_found', message: 'nope' } });
    await api.testAlertChannel('a/b?c');
    expect(requests[0]!.url).toBe(`${BASE}/v1/alerts/channels/a%2Fb%3Fc/test`);
  });

  it('passes the port’s error on as it came, and says when the port cannot be reached', async () => {
    const refused = transport(400, { error: { code: 'bad_request', message: 'url: url must be an http:// or https:// URL' } });
    expect(await refused.api.createAlertChannel({ name: 'x', kind: 'webhook', url: 'ftp://x' })).toEqual({
      ok: false,
      error: { code: 'bad_request', message: 'url: url must be an http:// or https:// URL' },
    });
    const down = new HttpTransport('op-token', BASE, async () => {
      throw new TypeError('fetch failed');
    });
    expect(await down.listAlertDeliveries(20)).toEqual({ ok: false, error: { code: 'internal', message: 'Fleet Monitor cannot be reached' } });
  });
});

describe('alert request bodies (both transports send them)', () => {
  it.each<[string, NewAlertChannel]>([
    ['a signed webhook', { name: 'ops hook', kind: 'webhook', url: 'https://hooks.example/fleet', secret: 's3cret' }],
    ['ntfy', { name: 'phone', kind: 'ntfy', url: 'https://ntfy.sh/my-fleet' }],
    ['a command', { name: 'pager', kind: 'command', command: ['/usr/bin/notify-send', 'Fleet alert', ''] }],
  ])('%s channel parses back, with the port’s schema, into what was asked', (_what, asked) => {
    expect(newChannelBodySchema.parse(toChannelBody(asked))).toEqual(asked);
  });

  it.each<[string, NewAlertRule, NewAlertRule]>([
    ['a full rule', { channelId: 'ch_1', on: ['offline', 'waiting'], selector: { team: 'infra', region: 'eu' }, coalesceS: 0, repeatAfterS: 300 }, { channelId: 'ch_1', on: ['offline', 'waiting'], selector: { team: 'infra', region: 'eu' }, coalesceS: 0, repeatAfterS: 300 }],
    ['the defaults', { channelId: 'ch_1', on: ['recovered'] }, { channelId: 'ch_1', on: ['recovered'], coalesceS: 10, repeatAfterS: null }],
    ['no repeat, said', { channelId: 'ch_1', on: ['online'], repeatAfterS: null }, { channelId: 'ch_1', on: ['online'], coalesceS: 10, repeatAfterS: null }],
  ])('%s parses back, with the port’s schema, into the rule asked for', (_what, asked, read) => {
    expect(newRuleBodySchema.parse(toRuleBody(asked))).toEqual(read);
  });
});
