/**
 * Alerts end to end inside the core, against real receivers on 127.0.0.1 and
 * a real child process, with the clock and the dispatcher's timers driven by
 * hand: payload shapes, signature, coalescing, selectors, repeats, retries
 * and backoff, 410, and the outbox written with the status change.
 */
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIRST_RETRY_MS, RETRY_FOR_MS } from '../../../../electron/core/alerts/alert-dispatcher';
import { headerText, type AlertPayload } from '../../../../electron/core/alerts/alert-message';
import type { NewAlertRule } from '../../../../shared/alerts';
import { createAlertFleet, type AlertFleet } from '../../../support/alert-fixture';
import { AlertReceiver } from '../../../support/alert-receiver';
import { useTempDir } from '../../../support/temp-dir';

let fleet: AlertFleet;
let receiver: AlertReceiver;

beforeEach(async () => {
  fleet = createAlertFleet();
  receiver = await AlertReceiver.start();
});

afterEach(async () => {
  await fleet.alerts.settled();
  fleet.close();
  await receiver.close();
});

const WINDOW_MS = 10_000;

function webhook(secret?: string) {
  return fleet.alerts.createChannel({ name: 'hook', kind: 'webhook', url: `${receiver.url}/hook`, ...(secret ? { secret } : {}) });
}

function rule(channelId: string, on: NewAlertRule['on'], extra: Partial<NewAlertRule> = {}) {
  return fleet.alerts.createRule({ channelId, on, ...extra });
}

/** Registers agents (a heartbeat each), named and labelled as given. */
function register(...agents: { id: string; name?: string; labels?: Record<string, string> }[]): void {
  for (const a of agents) fleet.service.recordHeartbeat(a.id, { ...(a.name ? { name: a.name } : {}), ...(a.labels ? { labels: a.labels } : {}) });
}

/** Moves the clock past the window and lets the dispatcher send. */
async function closeWindow(ms = WINDOW_MS): Promise<void> {
  fleet.clock.advance(ms);
  await fleet.pump();
}

const bodies = () => receiver.received.map((r) => JSON.parse(r.body) as AlertPayload);

describe('webhook payload', () => {
  it('sends one fleet.alert for the window, with the delivery id, the agents and what changed', async () => {
    const channel = webhook();
    rule(channel.id, ['offline']);
    register({ id: 'b1', name: 'build-bot-1', labels: { team: 'infra' } }, { id: 'b2', name: 'build-bot-2' });
    fleet.service.reportOffline('b1');
    fleet.clock.advance(1_000);
    fleet.service.reportOffline('b2');
    await fleet.pump();
    expect(receiver.received).toHaveLength(0); // the window is still open

    await closeWindow(WINDOW_MS - 1_000);
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/hook');
    expect(request!.headers['content-type']).toBe('application/json');
    const body = JSON.parse(request!.body) as AlertPayload;
    expect(request!.headers['x-fleet-delivery']).toBe(body.id);
    expect(request!.headers['x-fleet-signature']).toBeUndefined();
    expect(body).toMatchObject({ type: 'fleet.alert', summary: '2 agents went offline: build-bot-1, build-bot-2', total_changes: 2 });
    expect(Date.parse(body.at)).toBe(fleet.clock.now());
    expect(body.changes).toHaveLength(2);
    expect(body.changes[0]).toMatchObject({ from: 'idle', to: 'offline', cause: 'agent', trigger: 'offline' });
    expect(body.changes[0]!.agent).toMatchObject({ id: 'b1', name: 'build-bot-1', status: 'offline', labels: { team: 'infra' } });
    expect(Date.parse(body.changes[1]!.at)).toBe(Date.parse(body.changes[0]!.at) + 1_000);

    const [delivery] = fleet.alerts.deliveries();
    expect(delivery).toMatchObject({ id: body.id, channelId: channel.id, state: 'sent', attempts: 1, lastError: null, summary: body.summary });
  });

  it('signs the raw body with HMAC-SHA256 of the secret', async () => {
    rule(webhook('s3cret-value').id, ['exhausted']);
    register({ id: 'a1' });
    fleet.service.reportExhausted('a1', { reason: 'rate_limit' });
    await closeWindow();
    const [request] = await receiver.waitFor(1);
    const expected = createHmac('sha256', 's3cret-value').update(request!.body).digest('hex');
    expect(request!.headers['x-fleet-signature']).toBe(`sha256=${expected}`);
    expect(fleet.alerts.channels()[0]).toMatchObject({ hasSecret: true });
    expect(JSON.stringify(fleet.alerts.channels())).not.toContain('s3cret-value');
  });

  it('names up to 20 agents and counts the rest, the first to change first', async () => {
    rule(webhook().id, ['offline']);
    const ids = Array.from({ length: 25 }, (_, i) => `agent-${String(i + 1).padStart(2, '0')}`);
    register(...ids.map((id) => ({ id })));
    for (const id of ids) fleet.service.reportOffline(id);
    await closeWindow();
    const [body] = bodies();
    expect(body!.summary).toBe(`25 agents went offline: ${ids.slice(0, 20).join(', ')} and 5 more`);
    expect(body!.changes).toHaveLength(25);
  });

  it('tells each kind of change in one message, one agent as one', async () => {
    rule(webhook().id, ['offline', 'exhausted', 'online']);
    register({ id: 'a' }, { id: 'b' }, { id: 'c' });
    fleet.service.reportOffline('a');
    fleet.service.reportExhausted('b', { reason: 'billing' });
    fleet.service.reportOffline('c');
    fleet.service.recordHeartbeat('c'); // offline → idle
    await closeWindow();
    expect(bodies()[0]!.summary).toBe('2 agents went offline: a, c; 1 agent became exhausted: b; 1 agent came back online: c');
  });
});

describe('coalescing', () => {
  it('makes one message per window: a change after it closes starts the next', async () => {
    rule(webhook().id, ['offline'], { coalesceS: 5 });
    register({ id: 'a' }, { id: 'b' }, { id: 'c' });
    fleet.service.reportOffline('a');
    fleet.clock.advance(4_999);
    fleet.service.reportOffline('b');
    await closeWindow(1);
    fleet.clock.advance(1_000);
    fleet.service.reportOffline('c');
    await closeWindow(5_000);
    expect(bodies().map((b) => b.summary)).toEqual(['2 agents went offline: a, b', '1 agent went offline: c']);
    expect(new Set(bodies().map((b) => b.id)).size).toBe(2);
  });

  it('with a window of 0 sends at once', async () => {
    rule(webhook().id, ['offline'], { coalesceS: 0 });
    register({ id: 'a' });
    fleet.service.reportOffline('a');
    await fleet.pump();
    expect(bodies()).toHaveLength(1);
  });

  it('each rule coalesces on its own: two rules, two messages', async () => {
    const channel = webhook();
    rule(channel.id, ['offline']);
    rule(channel.id, ['offline', 'exhausted']);
    register({ id: 'a' });
    fleet.service.reportOffline('a');
    await closeWindow();
    expect(bodies()).toHaveLength(2);
  });
});

describe('which changes', () => {
  it('a selector takes only agents with all its labels', async () => {
    rule(webhook().id, ['offline'], { selector: { team: 'infra', region: 'eu' } });
    register(
      { id: 'yes', labels: { team: 'infra', region: 'eu', extra: 'x' } },
      { id: 'other-region', labels: { team: 'infra', region: 'us' } },
      { id: 'no-labels' },
    );
    for (const id of ['yes', 'other-region', 'no-labels']) fleet.service.reportOffline(id);
    await closeWindow();
    expect(bodies().map((b) => b.summary)).toEqual(['1 agent went offline: yes']);
  });

  it('recovered is exhausted back to idle by its recovery time; an operator recover is not', async () => {
    rule(webhook().id, ['recovered']);
    register({ id: 'timed' }, { id: 'by-hand' });
    fleet.service.reportExhausted('timed', { reason: 'rate_limit', recoveryAt: fleet.clock.now() + 60_000 });
    fleet.service.reportExhausted('by-hand', { reason: 'rate_limit' });
    fleet.service.recover('by-hand');
    fleet.clock.advance(60_000);
    fleet.service.sweep(null);
    await closeWindow();
    expect(bodies().map((b) => b.summary)).toEqual(['1 agent recovered: timed']);
    expect(bodies()[0]!.changes[0]).toMatchObject({ from: 'exhausted', to: 'idle', cause: 'recovery' });
  });

  it('online is offline back to idle; the sweeper takes an agent offline with its own cause', async () => {
    rule(webhook().id, ['offline', 'online'], { coalesceS: 0 });
    register({ id: 'a' });
    fleet.clock.advance(121_000);
    fleet.service.sweep(fleet.clock.now() - 120_000);
    await fleet.pump();
    fleet.service.recordHeartbeat('a');
    await fleet.pump();
    expect(bodies().map((b) => [b.summary, b.changes[0]!.cause])).toEqual([
      ['1 agent went offline: a', 'sweeper'],
      ['1 agent came back online: a', 'agent'],
    ]);
  });

  it('waiting fires when the agent starts waiting for its operator, not at each report of the same wait', async () => {
    rule(webhook().id, ['waiting'], { coalesceS: 0 });
    register({ id: 'coder' });
    const wait = { op: { kind: 'heartbeat' } as const, waiting: { kind: 'permission' as const, message: 'May I run rm?' } };
    fleet.service.reportActivity('coder', wait);
    await fleet.pump();
    fleet.service.reportActivity('coder', wait);
    await fleet.pump();
    expect(bodies().map((b) => b.summary)).toEqual(['1 agent is waiting for you: coder']);
  });

  it('a change rolled back writes no alert', async () => {
    rule(webhook().id, ['offline'], { coalesceS: 0 });
    register({ id: 'a' }, { id: 'b' });
    expect(() =>
      fleet.service.bulk(['a', 'b'], (id) => {
        if (id === 'b') throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
        return fleet.service.reportOffline(id);
      }),
    ).toThrow('disk I/O error');
    expect(fleet.service.get('a').status).toBe('idle');
    await closeWindow();
    expect(receiver.received).toHaveLength(0);
    expect(fleet.db.prepare('SELECT count(*) AS n FROM alert_changes').get()).toEqual({ n: 0 });
  });

  it('a rule deleted before its window closes sends nothing', async () => {
    const r = rule(webhook().id, ['offline']);
    register({ id: 'a' });
    fleet.service.reportOffline('a');
    fleet.alerts.deleteRule(r.id);
    await closeWindow();
    expect(receiver.received).toHaveLength(0);
  });
});

describe('repeats', () => {
  it('reminds every repeat_after_s while the agent stays offline, and stops once it is back', async () => {
    rule(webhook().id, ['offline'], { coalesceS: 0, repeatAfterS: 60 });
    register({ id: 'a' }, { id: 'b' });
    fleet.service.reportOffline('a');
    fleet.service.reportOffline('b');
    await fleet.pump();
    fleet.clock.advance(30_000);
    fleet.service.recordHeartbeat('b'); // b is back: no reminder for it
    await fleet.pump();
    fleet.clock.advance(30_000);
    await fleet.pump();
    fleet.clock.advance(60_000);
    await fleet.pump();
    fleet.service.recordHeartbeat('a');
    fleet.clock.advance(120_000);
    await fleet.pump();
    expect(bodies().map((b) => b.summary)).toEqual([
      '2 agents went offline: a, b',
      '1 agent is still offline: a',
      '1 agent is still offline: a',
    ]);
    expect(bodies()[1]!.changes[0]).toMatchObject({ from: 'offline', to: 'offline', cause: 'reminder', trigger: 'offline' });
  });

  it('a new exhaustion after a recovery starts a new episode', async () => {
    rule(webhook().id, ['exhausted'], { coalesceS: 0, repeatAfterS: 60 });
    register({ id: 'a' });
    fleet.service.reportExhausted('a', { reason: 'rate_limit' });
    await fleet.pump();
    fleet.clock.advance(59_000);
    fleet.service.recover('a');
    fleet.service.reportExhausted('a', { reason: 'billing' });
    await fleet.pump();
    fleet.clock.advance(1_000); // 60 s after the first, 1 s after the second
    await fleet.pump();
    expect(bodies().map((b) => b.summary)).toEqual(['1 agent became exhausted: a', '1 agent became exhausted: a']);
    fleet.clock.advance(59_000);
    await fleet.pump();
    expect(bodies().at(-1)!.summary).toBe('1 agent is still exhausted: a');
  });
});

describe('retries', () => {
  it('retries with exponential backoff, the same delivery id each time, until the receiver takes it', async () => {
    receiver.answer(500, { status: 503, body: 'busy right now' });
    rule(webhook().id, ['offline'], { coalesceS: 0 });
    register({ id: 'a' });
    fleet.service.reportOffline('a');
    await fleet.pump();
    expect(receiver.received).toHaveLength(1);
    let [delivery] = fleet.alerts.deliveries();
    expect(delivery).toMatchObject({ state: 'pending', attempts: 1, lastError: 'HTTP 500' });
    // The jitter is fixed at its top: the first retry is due 2 s later, the second 4 s after that.
    expect(delivery!.nextAttemptAt).toBe(fleet.clock.now() + FIRST_RETRY_MS);

    fleet.clock.advance(FIRST_RETRY_MS - 1);
    await fleet.pump();
    expect(receiver.received).toHaveLength(1);
    fleet.clock.advance(1);
    await fleet.pump();
    expect(receiver.received).toHaveLength(2);
    [delivery] = fleet.alerts.deliveries();
    expect(delivery).toMatchObject({ state: 'pending', attempts: 2, lastError: 'HTTP 503: busy right now' });
    expect(delivery!.nextAttemptAt).toBe(fleet.clock.now() + 2 * FIRST_RETRY_MS);

    fleet.clock.advance(2 * FIRST_RETRY_MS);
    await fleet.pump();
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.headers['x-fleet-delivery'])).size).toBe(1);
    expect(fleet.alerts.deliveries()[0]).toMatchObject({ state: 'sent', attempts: 3, lastError: null });
  });

  it('draws each wait from the upper half of its step (jitter)', async () => {
    fleet.close();
    fleet = createAlertFleet({ random: () => 0 });
    receiver.answer(500);
    rule(webhook().id, ['offline'], { coalesceS: 0 });
    register({ id: 'a' });
    fleet.service.reportOffline('a');
    await fleet.pump();
    expect(fleet.alerts.deliveries()[0]!.nextAttemptAt).toBe(fleet.clock.now() + FIRST_RETRY_MS / 2);
  });

  it('waits as long as a 429 asks with Retry-After', async () => {
    receiver.answer({ status: 429, headers: { 'retry-after': '120' } });
    rule(webhook().id, ['offline'], { coalesceS: 0 });
    register({ id: 'a' });
    fleet.service.reportOffline('a');
    await fleet.pump();
    expect(fleet.alerts.deliveries()[0]!.nextAttemptAt).toBe(fleet.clock.now() + 120_000);
  });

  it('gives up after 24 hours: failed, with the last error', async () => {
    receiver.always(500);
    rule(webhook().id, ['offline'], { coalesceS: 0 });
    register({ id: 'a' });
    fleet.service.reportOffline('a');
    const created = fleet.clock.now();
    await fleet.pump();
    while (fleet.alerts.deliveries()[0]!.state === 'pending') {
      const next = fleet.alerts.deliveries()[0]!.nextAttemptAt!;
      expect(next).toBeLessThanOrEqual(created + RETRY_FOR_MS);
      fleet.clock.advance(next - fleet.clock.now());
      await fleet.pump();
    }
    const [delivery] = fleet.alerts.deliveries();
    // 2 s doubling to the 1 h cap (11 steps, about 68 min), then hourly: the first 12 attempts, then one an hour.
    expect(delivery).toMatchObject({ state: 'failed', nextAttemptAt: null });
    expect(delivery!.lastError).toMatch(/^HTTP 500 \(gave up after \d+ attempts over 24 h\)$/);
    expect(delivery!.attempts).toBe(receiver.received.length);
    expect(delivery!.attempts).toBeGreaterThan(30);
    expect(delivery!.attempts).toBeLessThan(40);
  });

  it('an unreachable receiver is an error to retry, and so is one that does not answer in time', async () => {
    fleet.close();
    fleet = createAlertFleet({ sendTimeoutMs: 300 });
    receiver.answer('hang');
    rule(webhook().id, ['offline'], { coalesceS: 0 });
    const closed = await AlertReceiver.start();
    const closedUrl = closed.url;
    await closed.close();
    const gone = fleet.alerts.createChannel({ name: 'closed', kind: 'webhook', url: closedUrl });
    rule(gone.id, ['offline'], { coalesceS: 0 });
    register({ id: 'a' });
    fleet.service.reportOffline('a');
    await fleet.pump();
    const errors = fleet.alerts.deliveries().map((d) => [d.channelId === gone.id ? 'closed' : 'hang', d.state, d.lastError]);
    expect(errors).toContainEqual(['hang', 'pending', 'No answer within 0.3 s']);
    expect(errors).toContainEqual(['closed', 'pending', expect.stringMatching(/^Cannot reach 127\.0\.0\.1:\d+: ECONNREFUSED$/)]);
  });
});

describe('a dead receiver', () => {
  it('holds two attempts at a time; the deliveries waiting for it never starve another channel', async () => {
    const dead = await AlertReceiver.start();
    dead.always('hang');
    try {
      const deadChannel = fleet.alerts.createChannel({ name: 'dead', kind: 'webhook', url: dead.url });
      rule(deadChannel.id, ['offline'], { coalesceS: 0 });
      const ids = Array.from({ length: 40 }, (_, i) => `a${i}`);
      register(...ids.map((id) => ({ id })), { id: 'late' });
      for (const id of ids) {
        fleet.service.reportOffline(id);
        fleet.timeouts.runAll(); // one delivery each, all for the dead receiver
      }
      await dead.waitFor(2);
      rule(webhook().id, ['offline'], { coalesceS: 0 });
      fleet.service.reportOffline('late');
      fleet.timeouts.runAll();
      await receiver.waitFor(1, 1_500); // well before the dead receiver's attempts time out
      expect(bodies()[0]!.summary).toBe('1 agent went offline: late');
      expect(dead.received).toHaveLength(2);
    } finally {
      await dead.close();
    }
  });
});

describe('410 Gone', () => {
  it('turns the channel off: enabled false with the reason, and nothing more is sent to it', async () => {
    receiver.answer(410);
    const channel = webhook();
    rule(channel.id, ['offline'], { coalesceS: 0 });
    register({ id: 'a' }, { id: 'b' });
    fleet.service.reportOffline('a');
    await fleet.pump();
    expect(fleet.alerts.deliveries()[0]).toMatchObject({ state: 'failed', lastError: 'HTTP 410' });
    expect(fleet.alerts.channels()[0]).toMatchObject({ enabled: false, disabledReason: expect.stringContaining('410 Gone') });

    fleet.service.reportOffline('b');
    await closeWindow();
    expect(receiver.received).toHaveLength(1);
    expect(fleet.alerts.deliveries()).toHaveLength(1);
  });

  it('a successful test turns it back on', async () => {
    receiver.answer(410);
    const channel = webhook();
    await fleet.alerts.testChannel(channel.id);
    expect(fleet.alerts.channels()[0]!.enabled).toBe(false);
    const delivery = await fleet.alerts.testChannel(channel.id);
    expect(delivery).toMatchObject({ state: 'sent', test: true, ruleId: null });
    expect(fleet.alerts.channels()[0]).toMatchObject({ enabled: true, disabledReason: null });
  });
});

describe('channel kinds', () => {
  async function deliverOffline(kind: 'slack' | 'discord' | 'ntfy', names: string[]) {
    const channel = fleet.alerts.createChannel({ name: kind, kind, url: `${receiver.url}/${kind}/topic-1`, secret: 'k' });
    rule(channel.id, ['offline'], { coalesceS: 0 });
    register(...names.map((name, i) => ({ id: `id-${i}`, name })));
    for (let i = 0; i < names.length; i++) fleet.service.reportOffline(`id-${i}`);
    await fleet.pump();
    const [request] = await receiver.waitFor(1);
    expect(request!.headers['x-fleet-delivery']).toMatch(/^dl_/);
    expect(request!.headers['x-fleet-signature']).toBe(`sha256=${createHmac('sha256', 'k').update(request!.body).digest('hex')}`);
    return request!;
  }

  it('slack: an incoming-webhook body with the summary as text, markup escaped', async () => {
    const request = await deliverOffline('slack', ['<b>&co', 'bot-2']);
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({ text: '2 agents went offline: &lt;b&gt;&amp;co, bot-2' });
  });

  it('discord: content, a username, and no mention can ping anyone', async () => {
    const request = await deliverOffline('discord', ['@everyone']);
    expect(JSON.parse(request.body)).toEqual({ content: '1 agent went offline: @everyone', username: 'Fleet Monitor', allowed_mentions: { parse: [] } });
  });

  it('ntfy: posted to the topic URL, the summary as the message, title, priority and tags set', async () => {
    const request = await deliverOffline('ntfy', ['bot-1', 'bot-2']);
    expect(request.path).toBe('/ntfy/topic-1');
    expect(request.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(request.body).toBe('2 agents went offline: bot-1, bot-2');
    expect(request.headers).toMatchObject({ title: 'Fleet Monitor: 2 agents went offline', priority: 'high', tags: 'red_circle' });
  });

  it('ntfy: a header in another script goes as an RFC 2047 encoded word (HTTP headers are ASCII)', () => {
    expect(headerText('Fleet Monitor: 2 agents went offline')).toBe('Fleet Monitor: 2 agents went offline');
    const encoded = headerText('Flotte: 2 agents — hors ligne');
    expect(encoded).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
    expect(Buffer.from(encoded.slice(10, -2), 'base64').toString('utf8')).toBe('Flotte: 2 agents — hors ligne');
  });

  describe('command', () => {
    const tempDir = useTempDir('fleet-alert-cmd-');

    it('runs the program with the alert JSON on stdin and the delivery id in FLEET_DELIVERY_ID, no shell', async () => {
      const out = path.join(tempDir(), 'alert.json');
      const script = `let s='';process.stdin.on('data',d=>s+=d).on('end',()=>require('fs').writeFileSync(process.argv[1],JSON.stringify({stdin:s,id:process.env.FLEET_DELIVERY_ID,arg:process.argv[2]})))`;
      const channel = fleet.alerts.createChannel({ name: 'cmd', kind: 'command', command: [process.execPath, '-e', script, out, '$(touch /tmp/never) ; *'] });
      rule(channel.id, ['exhausted'], { coalesceS: 0 });
      register({ id: 'a' });
      fleet.service.reportExhausted('a', { reason: 'billing' });
      await fleet.pump();
      const got = JSON.parse(fs.readFileSync(out, 'utf8')) as { stdin: string; id: string; arg: string };
      const alert = JSON.parse(got.stdin) as AlertPayload;
      expect(alert).toMatchObject({ type: 'fleet.alert', id: got.id, summary: '1 agent became exhausted: a' });
      expect(got.arg).toBe('$(touch /tmp/never) ; *'); // passed as it is: there is no shell
      expect(fleet.alerts.deliveries()[0]).toMatchObject({ id: got.id, state: 'sent' });
    });

    it('a failing exit is an error to retry, with what the program said', async () => {
      const channel = fleet.alerts.createChannel({ name: 'cmd', kind: 'command', command: [process.execPath, '-e', 'console.error("no route to pager");process.exit(3)'] });
      rule(channel.id, ['offline'], { coalesceS: 0 });
      register({ id: 'a' });
      fleet.service.reportOffline('a');
      await fleet.pump();
      expect(fleet.alerts.deliveries()[0]).toMatchObject({ state: 'pending', attempts: 1, lastError: `${process.execPath} exited with 3: no route to pager` });
    });

    it('a program that cannot start is an error, not a crash', async () => {
      const channel = fleet.alerts.createChannel({ name: 'cmd', kind: 'command', command: ['/nonexistent/notifier'] });
      const delivery = await fleet.alerts.testChannel(channel.id);
      expect(delivery).toMatchObject({ state: 'failed', lastError: 'Cannot run /nonexistent/notifier: ENOENT' });
    });
  });
});
