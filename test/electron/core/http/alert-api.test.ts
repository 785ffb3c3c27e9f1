/**
 * The operator's alert API, `/v1/alerts/*`, on a real port: the shapes it
 * answers, the secret never echoed, bad input refused with a stable code and
 * nothing written, and the test message sent to a real receiver.
 */
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAgentPort, type AgentPort } from '../../../../electron/core/http/agent-port';
import { DEFAULT_LIMITS } from '../../../../shared/fleet-api';
import { createAlertFleet, type AlertFleet } from '../../../support/alert-fixture';
import { AlertReceiver } from '../../../support/alert-receiver';
import { request, type RawRequest } from '../../../support/http-client';
import { AGENT_TOKEN, OPERATOR_TOKEN } from '../../../support/port-fixture';

let fleet: AlertFleet;
let port: AgentPort;
let receiver: AlertReceiver;

async function start(allowCommands = true): Promise<void> {
  fleet = createAlertFleet();
  port = await startAgentPort(fleet.service, fleet.clock, {
    host: '127.0.0.1',
    port: 0,
    tokens: { agentToken: AGENT_TOKEN, operatorToken: OPERATOR_TOKEN, file: null },
    limits: DEFAULT_LIMITS,
    alerts: { alerts: fleet.alerts, allowCommands },
  });
}

beforeEach(async () => {
  receiver = await AlertReceiver.start();
  await start();
});

afterEach(async () => {
  await port.close();
  await fleet.alerts.settled();
  fleet.close();
  await receiver.close();
});

const operator = (req: RawRequest) => request(port.port, { ...req, headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, ...req.headers } });
const post = (path: string, body: unknown) => operator({ method: 'POST', path, body });

async function createChannel(body: Record<string, unknown> = {}) {
  const res = await post('/v1/alerts/channels', { name: 'ops hook', kind: 'webhook', url: `${receiver.url}/hook`, ...body });
  expect(res.status).toBe(201);
  return res.json.channel as { id: string };
}

describe('channels', () => {
  it('creates, lists and deletes a channel; the secret is never echoed back', async () => {
    const res = await post('/v1/alerts/channels', { name: 'ops hook', kind: 'webhook', url: `${receiver.url}/hook`, secret: 'shh-1234' });
    expect(res.status).toBe(201);
    expect(res.json.channel).toEqual({
      id: expect.stringMatching(/^ch_[A-Za-z0-9_-]{16}$/),
      name: 'ops hook',
      kind: 'webhook',
      url: `${receiver.url}/hook`,
      command: null,
      has_secret: true,
      enabled: true,
      disabled_reason: null,
      created_at: new Date(fleet.clock.now()).toISOString(),
    });
    expect(res.text).not.toContain('shh-1234');
    const list = await operator({ path: '/v1/alerts/channels' });
    expect(list.status).toBe(200);
    expect(list.json).toEqual({ channels: [res.json.channel] });
    expect(list.text).not.toContain('shh-1234');

    const gone = await operator({ method: 'DELETE', path: `/v1/alerts/channels/${res.json.channel.id}` });
    expect(gone.status).toBe(200);
    expect(gone.json.channel.id).toBe(res.json.channel.id);
    expect((await operator({ path: '/v1/alerts/channels' })).json).toEqual({ channels: [] });
    const again = await operator({ method: 'DELETE', path: `/v1/alerts/channels/${res.json.channel.id}` });
    expect(again.status).toBe(404);
    expect(again.json.error.code).toBe('not_found');
  });

  it('takes a command channel as argv', async () => {
    const res = await post('/v1/alerts/channels', { name: 'pager', kind: 'command', command: ['/usr/bin/notify-send', 'Fleet'] });
    expect(res.status).toBe(201);
    expect(res.json.channel).toMatchObject({ kind: 'command', command: ['/usr/bin/notify-send', 'Fleet'], url: null, has_secret: false });
  });

  it.each([
    [{ name: 'x', kind: 'email', url: 'http://127.0.0.1/' }, /^kind: kind must be one of webhook, slack, discord, ntfy, command$/],
    [{ name: 'x', kind: 'webhook' }, /^url: a webhook channel needs url$/],
    [{ name: 'x', kind: 'slack', url: 'ftp://example.com/' }, /^url: url must be an http:\/\/ or https:\/\/ URL$/],
    [{ name: 'x', kind: 'ntfy', url: 'not a url' }, /^url: /],
    [{ name: 'x', kind: 'command' }, /^command: a command channel needs command/],
    [{ name: 'x', kind: 'command', command: [] }, /^command: command must name a program$/],
    [{ name: 'x', kind: 'command', command: ['a\u0000b'] }, /^command\.0: command arguments must not contain NUL$/],
    [{ name: 'x', kind: 'command', command: ['/bin/true'], url: 'http://127.0.0.1/' }, /^url: a command channel takes command, not url$/],
    [{ name: '', kind: 'webhook', url: 'http://127.0.0.1/' }, /^name: name must not be empty$/],
    [{ name: 'a\u202eb', kind: 'webhook', url: 'http://127.0.0.1/' }, /^name: name must not contain/],
    [{ name: 'x', kind: 'webhook', url: 'http://127.0.0.1/', secret: '' }, /^secret: secret must not be empty$/],
    [{ kind: 'webhook', url: 'http://127.0.0.1/' }, /^name: /],
  ])('refuses %j with 400 bad_request, writing nothing', async (body, message) => {
    const res = await post('/v1/alerts/channels', body);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('bad_request');
    expect(res.json.error.message).toMatch(message);
    expect((await operator({ path: '/v1/alerts/channels' })).json).toEqual({ channels: [] });
  });

  it('refuses a body that is not JSON', async () => {
    const res = await post('/v1/alerts/channels', '{"name":');
    expect(res.status).toBe(400);
    expect(res.json.error).toEqual({ code: 'bad_request', message: 'The body is not valid JSON' });
  });

  it('refuses a command channel over HTTP when the port is not loopback-only (403), and makes none', async () => {
    await port.close();
    fleet.close();
    await start(false);
    const res = await post('/v1/alerts/channels', { name: 'pager', kind: 'command', command: ['/bin/true'] });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('forbidden');
    expect(res.json.error.message).toContain('FLEET_ALERT_COMMANDS=on');
    expect(fleet.alerts.channels()).toEqual([]);
  });

  it('sends a test message at once and answers the delivery', async () => {
    const channel = await createChannel({ secret: 'k3y' });
    const res = await post(`/v1/alerts/channels/${channel.id}/test`, undefined);
    expect(res.status).toBe(200);
    expect(res.json.delivery).toMatchObject({ channel_id: channel.id, rule_id: null, state: 'sent', attempts: 1, last_error: null, test: true });
    const [got] = await receiver.waitFor(1);
    const body = JSON.parse(got!.body);
    expect(body).toMatchObject({ type: 'fleet.alert', id: res.json.delivery.id, changes: [], test: true });
    expect(got!.headers['x-fleet-delivery']).toBe(res.json.delivery.id);
    expect(got!.headers['x-fleet-signature']).toBe(`sha256=${createHmac('sha256', 'k3y').update(got!.body).digest('hex')}`);
  });

  it('a test the receiver refuses answers the failed delivery with its error (not retried)', async () => {
    receiver.always({ status: 404, body: 'no such hook' });
    const channel = await createChannel();
    const res = await post(`/v1/alerts/channels/${channel.id}/test`, undefined);
    expect(res.status).toBe(200);
    expect(res.json.delivery).toMatchObject({ state: 'failed', attempts: 1, last_error: 'HTTP 404: no such hook', next_attempt_at: null });
  });

  it('testing or deleting an unknown channel is 404; a malformed id is 400', async () => {
    expect((await post('/v1/alerts/channels/ch_nope/test', undefined)).json.error.code).toBe('not_found');
    expect((await operator({ method: 'DELETE', path: '/v1/alerts/channels/ch_nope' })).status).toBe(404);
    const bad = await operator({ method: 'DELETE', path: '/v1/alerts/channels/%E0%A4%A' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('bad_request');
  });
});

describe('rules', () => {
  it('creates with defaults, lists and deletes a rule', async () => {
    const channel = await createChannel();
    const res = await post('/v1/alerts/rules', { channel_id: channel.id, on: ['exhausted', 'offline'], selector: { team: 'infra' } });
    expect(res.status).toBe(201);
    expect(res.json.rule).toEqual({
      id: expect.stringMatching(/^rl_/),
      channel_id: channel.id,
      on: ['offline', 'exhausted'],
      selector: { team: 'infra' },
      coalesce_s: 10,
      repeat_after_s: null,
      created_at: new Date(fleet.clock.now()).toISOString(),
    });
    expect((await operator({ path: '/v1/alerts/rules' })).json).toEqual({ rules: [res.json.rule] });
    const gone = await operator({ method: 'DELETE', path: `/v1/alerts/rules/${res.json.rule.id}` });
    expect(gone.json.rule.id).toBe(res.json.rule.id);
    expect((await operator({ path: '/v1/alerts/rules' })).json).toEqual({ rules: [] });
    expect((await operator({ method: 'DELETE', path: `/v1/alerts/rules/${res.json.rule.id}` })).status).toBe(404);
  });

  it('deleting a channel deletes its rules', async () => {
    const channel = await createChannel();
    await post('/v1/alerts/rules', { channel_id: channel.id, on: ['offline'] });
    await operator({ method: 'DELETE', path: `/v1/alerts/channels/${channel.id}` });
    expect((await operator({ path: '/v1/alerts/rules' })).json).toEqual({ rules: [] });
  });

  it.each([
    [{ channel_id: undefined, on: ['offline'] }, /^channel_id: /],
    [{ channel_id: 'ch_unknown', on: ['offline'] }, /^channel_id: no alert channel 'ch_unknown'$/],
    [{ on: [] }, /^on: on must name at least one change$/],
    [{ on: ['offline', 'sleepy'] }, /^on\.1: on lists changes among offline, exhausted, recovered, online, waiting$/],
    [{ on: ['offline'], coalesce_s: -1 }, /^coalesce_s: coalesce_s must be at least 0$/],
    [{ on: ['offline'], coalesce_s: 1.5 }, /^coalesce_s: coalesce_s must be a whole number of seconds$/],
    [{ on: ['offline'], repeat_after_s: 10 }, /^repeat_after_s: repeat_after_s must be at least 60$/],
    [{ on: ['online', 'waiting'], repeat_after_s: 600 }, /^repeat_after_s: repeat_after_s reminds of offline or exhausted agents/],
    [{ on: ['offline'], selector: { 'bad key!': 'x' } }, /^selector/],
  ])('refuses %j with 400 bad_request, writing nothing', async (body, message) => {
    const channel = await createChannel();
    const res = await post('/v1/alerts/rules', { channel_id: channel.id, ...body });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('bad_request');
    expect(res.json.error.message).toMatch(message);
    expect(fleet.alerts.rules()).toEqual([]);
  });
});

describe('deliveries', () => {
  it('lists deliveries newest first, up to limit', async () => {
    const channel = await createChannel();
    for (let i = 0; i < 3; i++) await post(`/v1/alerts/channels/${channel.id}/test`, undefined);
    const all = await operator({ path: '/v1/alerts/deliveries' });
    expect(all.status).toBe(200);
    expect(all.json.deliveries).toHaveLength(3);
    const two = await operator({ path: '/v1/alerts/deliveries?limit=2' });
    expect(two.json.deliveries.map((d: { id: string }) => d.id)).toEqual(all.json.deliveries.slice(0, 2).map((d: { id: string }) => d.id));
    expect(all.json.deliveries[0]).toEqual({
      id: expect.stringMatching(/^dl_/),
      channel_id: channel.id,
      rule_id: null,
      state: 'sent',
      attempts: 1,
      last_error: null,
      summary: 'Test alert from Fleet Monitor to channel "ops hook"',
      created_at: expect.any(String),
      next_attempt_at: null,
      sent_at: expect.any(String),
      test: true,
    });
    const bodies = receiver.received.map((r) => JSON.parse(r.body).id);
    expect(all.json.deliveries.map((d: { id: string }) => d.id)).toEqual(bodies.reverse());
  });

  it.each(['0', '1001', 'x', '2.5'])('refuses limit=%s with 400', async (limit) => {
    const res = await operator({ path: `/v1/alerts/deliveries?limit=${limit}` });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('bad_request');
  });
});

describe('access', () => {
  it('needs the operator token: the agent token is 403, none is 401', async () => {
    const agent = await request(port.port, { path: '/v1/alerts/channels', headers: { authorization: `Bearer ${AGENT_TOKEN}` } });
    expect(agent.status).toBe(403);
    expect((await request(port.port, { path: '/v1/alerts/channels' })).status).toBe(401);
  });

  it('an unknown path is 404; a wrong method is 405 with Allow', async () => {
    expect((await operator({ path: '/v1/alerts/nothing' })).status).toBe(404);
    const wrong = await operator({ method: 'DELETE', path: '/v1/alerts/channels' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('GET, POST');
  });
});

describe('a receiver that never answers', () => {
  it('holds up neither the port nor the status writes while its attempts hang', async () => {
    receiver.always('hang');
    const channel = await createChannel();
    await post('/v1/alerts/rules', { channel_id: channel.id, on: ['offline', 'online'], coalesce_s: 0 });
    const agent = (path: string, body: unknown = {}) =>
      request(port.port, { method: 'POST', path, body, headers: { authorization: `Bearer ${AGENT_TOKEN}` } }, 1_000);
    for (let i = 0; i < 6; i++) {
      expect((await agent(`/v1/agents/a${i}/heartbeat`)).status).toBe(200);
      expect((await agent(`/v1/agents/a${i}/offline`)).status).toBe(200);
      fleet.timeouts.runAll(); // the dispatcher starts its attempts (they never get an answer)
    }
    await receiver.waitFor(2);
    // Two attempts hang (the channel's share); every call is still answered at once, well inside the attempts' bound.
    for (let i = 0; i < 6; i++) {
      expect((await agent(`/v1/agents/a${i}/heartbeat`)).status).toBe(200);
      expect((await agent(`/v1/agents/a${i}/busy`, { slot_type: 'work' })).status).toBe(200);
    }
    const list = await request(port.port, { path: '/v1/alerts/deliveries', headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } }, 1_000);
    expect(list.json.deliveries.filter((d: { state: string }) => d.state === 'pending').length).toBe(6);
    expect(receiver.received).toHaveLength(2);
  });
});
