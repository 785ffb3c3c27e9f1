/**
 * Alerts when things go wrong: programs that cannot start or will not end,
 * receivers that say "retry now", agents that move while a reminder waits,
 * a store that fails part-way, a stop in the middle of a test. Real
 * receivers on 127.0.0.1 and real child processes, the clock driven by hand.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIRST_RETRY_MS } from '../../../../electron/core/alerts/alert-dispatcher';
import type { AlertPayload } from '../../../../electron/core/alerts/alert-message';
import { AlertStore } from '../../../../electron/core/alerts/alert-store';
import { Alerts } from '../../../../electron/core/alerts/alerts';
import { runCommand } from '../../../../electron/core/alerts/alert-send';
import { openDatabase } from '../../../../electron/core/store/open-database';
import { createAlertFleet, type AlertFleet } from '../../../support/alert-fixture';
import { AlertReceiver } from '../../../support/alert-receiver';
import { FakeClock } from '../../../support/fake-clock';
import { FakeTimeouts } from '../../../support/fake-timeouts';
import { useTempDir } from '../../../support/temp-dir';

let fleet: AlertFleet;
let receiver: AlertReceiver;
const errors: unknown[] = [];

beforeEach(async () => {
  errors.length = 0;
  fleet = createAlertFleet({ sendTimeoutMs: 1_000, onError: (error) => errors.push(error) });
  receiver = await AlertReceiver.start();
});

afterEach(async () => {
  await fleet.alerts.settled();
  fleet.close();
  await receiver.close();
});

const webhook = () => fleet.alerts.createChannel({ name: 'hook', kind: 'webhook', url: `${receiver.url}/hook` });
const bodies = () => receiver.received.map((r) => JSON.parse(r.body) as AlertPayload);
const node = (script: string) => [process.execPath, '-e', script];

describe('command channels that misbehave', () => {
  const tempDir = useTempDir('fleet-alert-faults-');

  it('a program the system refuses to start at once (ENOTDIR) is a failed attempt, not an unhandled rejection', async () => {
    const notADir = path.join(tempDir(), 'file');
    fs.writeFileSync(notADir, '');
    const channel = fleet.alerts.createChannel({ name: 'typo', kind: 'command', command: [`${notADir}/page-oncall`] });
    expect(await fleet.alerts.testChannel(channel.id)).toMatchObject({ state: 'failed', lastError: `Cannot run ${notADir}/page-oncall: ENOTDIR` });
    fleet.alerts.createRule({ channelId: channel.id, on: ['offline'], coalesceS: 0 });
    fleet.service.recordHeartbeat('a');
    fleet.service.reportOffline('a');
    await fleet.pump();
    expect(fleet.alerts.deliveries()[0]).toMatchObject({ state: 'pending', attempts: 1, lastError: expect.stringContaining('ENOTDIR') });
  });

  it('a program that exits at once but leaves a child holding its output is done when it exits', async () => {
    const started = Date.now();
    const result = await runCommand(
      node(`require('child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'inherit', detached: true }).unref()`),
      '{}',
      'dl_x',
      10_000,
    );
    expect(result).toEqual({ ok: true });
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it('a program still running after the bound is killed, its background children with it, and the attempt fails', async () => {
    const pidFile = path.join(tempDir(), 'child.pid');
    const script = `const c = require('child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' }); require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(c.pid)); setTimeout(() => {}, 60000)`;
    const result = await runCommand(node(script), '{}', 'dl_x', 1_500);
    expect(result).toEqual({ ok: false, error: `${process.execPath} still running after 1.5 s: killed` });
    const grandchild = Number(fs.readFileSync(pidFile, 'utf8'));
    await expect.poll(() => isAlive(grandchild), { timeout: 5_000 }).toBe(false);
  });

  it("the program does not get the monitor's tokens", async () => {
    const out = path.join(tempDir(), 'env.json');
    const saved = process.env.FLEET_OPERATOR_TOKEN;
    process.env.FLEET_OPERATOR_TOKEN = 'operator-token-never-to-leak';
    try {
      await runCommand(node(`require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.env))`), '{}', 'dl_env', 5_000);
    } finally {
      if (saved === undefined) delete process.env.FLEET_OPERATOR_TOKEN;
      else process.env.FLEET_OPERATOR_TOKEN = saved;
    }
    const env = JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, string>;
    expect(env.FLEET_OPERATOR_TOKEN).toBeUndefined();
    expect(env.FLEET_DELIVERY_ID).toBe('dl_env');
    expect(env.PATH).toBe(process.env.PATH);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('receivers that misbehave', () => {
  it.each(['0', 'Thu, 01 Jan 1970 00:00:00 GMT'])('a 429 with Retry-After: %s never hurries the backoff', async (retryAfter) => {
    receiver.always({ status: 429, headers: { 'retry-after': retryAfter } });
    fleet.alerts.createRule({ channelId: webhook().id, on: ['offline'], coalesceS: 0 });
    fleet.service.recordHeartbeat('a');
    fleet.service.reportOffline('a');
    await fleet.pump(5);
    expect(receiver.received).toHaveLength(1);
    expect(fleet.alerts.deliveries()[0]!.nextAttemptAt).toBe(fleet.clock.now() + FIRST_RETRY_MS);
  });

  it('discord: names cannot become links or markup', async () => {
    const channel = fleet.alerts.createChannel({ name: 'd', kind: 'discord', url: `${receiver.url}/d` });
    fleet.alerts.createRule({ channelId: channel.id, on: ['offline'], coalesceS: 0 });
    fleet.service.recordHeartbeat('a', { name: '[re-auth here](https://evil.example) **now**' });
    fleet.service.reportOffline('a');
    await fleet.pump();
    expect(JSON.parse(receiver.received[0]!.body).content).toBe('1 agent went offline: \\[re-auth here\\]\\(https://evil.example\\) \\*\\*now\\*\\*');
  });
});

describe('reminders', () => {
  it('a reminder waiting in its window is dropped when the agent moves first', async () => {
    fleet.alerts.createRule({ channelId: webhook().id, on: ['offline', 'online'], coalesceS: 10, repeatAfterS: 60 });
    fleet.service.recordHeartbeat('a');
    fleet.service.reportOffline('a');
    fleet.clock.advance(10_000);
    await fleet.pump(); // "went offline" sent
    fleet.clock.advance(50_000);
    await fleet.pump(); // 60 s after: the reminder is written, its window open
    fleet.clock.advance(5_000);
    fleet.service.recordHeartbeat('a'); // back before the reminder's window closes
    fleet.clock.advance(10_000);
    await fleet.pump();
    expect(bodies().map((b) => b.summary)).toEqual(['1 agent went offline: a', '1 agent came back online: a']);
  });
});

describe('the outbox and the status change are one', () => {
  it('an outbox row that cannot be written fails its status change, and only that task of a group', async () => {
    const rule = fleet.alerts.createRule({ channelId: webhook().id, on: ['offline'], selector: { team: 'x' } });
    fleet.service.recordHeartbeat('a', { labels: { team: 'x' } });
    fleet.service.recordHeartbeat('b');
    // The rule's row goes behind the outbox's back: writing for it breaks its foreign key.
    fleet.db.prepare('DELETE FROM alert_rules WHERE id = ?').run(rule.id);
    const [first, second] = fleet.service.runGrouped([() => fleet.service.reportOffline('a'), () => fleet.service.reportOffline('b')]);
    expect(first).toMatchObject({ ok: false, error: expect.objectContaining({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' }) });
    expect(second).toMatchObject({ ok: true });
    expect(fleet.service.get('a').status).toBe('idle');
    expect(fleet.service.get('b').status).toBe('offline');
    expect(fleet.db.prepare('SELECT count(*) AS n FROM alert_changes').get()).toEqual({ n: 0 });
  });
});

describe('the dispatcher under faults', () => {
  it("a rule whose window cannot be closed is reported and waited on; other rules' messages still go", async () => {
    const channel = webhook();
    const broken = fleet.alerts.createRule({ channelId: channel.id, on: ['exhausted'], coalesceS: 0 });
    fleet.alerts.createRule({ channelId: channel.id, on: ['offline'], coalesceS: 0 });
    fleet.service.recordHeartbeat('a');
    fleet.service.reportExhausted('a', { reason: 'rate_limit' });
    fleet.db.prepare("UPDATE alert_changes SET agent = 'not json' WHERE rule_id = ?").run(broken.id);
    fleet.service.reportOffline('a');
    await fleet.pump();
    expect(bodies().map((b) => b.summary)).toEqual(['1 agent went offline: a']);
    expect(errors).toEqual([expect.any(SyntaxError)]);
    // It waits before trying again rather than spinning: more rounds at the same time try nothing.
    await fleet.pump(5);
    expect(errors).toHaveLength(1);
    fleet.clock.advance(5_000);
    await fleet.pump(1);
    expect(errors).toHaveLength(2);
  });

  it('a delivery dropped for the backlog while its attempt is under way stays failed when the attempt ends', () => {
    const db = openDatabase(':memory:');
    const store = new AlertStore(db);
    const channel = store.insertChannel({ name: 'c', kind: 'webhook', url: 'http://127.0.0.1:9/' }, 1);
    store.insertDelivery({ id: 'dl_old', channelId: channel.id, ruleId: null, summary: 's', payload: '{}', test: false, now: 1, nextAttemptAt: 1 });
    store.lease('dl_old', 10_000);
    store.dropOldestPending(channel.id, 'Dropped: backlog');
    store.recordAttempt('dl_old', { state: 'pending', lastError: 'No answer within 5 s', nextAttemptAt: 20_000, sentAt: null });
    expect(store.delivery('dl_old')).toMatchObject({ state: 'failed', lastError: 'Dropped: backlog', nextAttemptAt: null, payload: null });
    db.close();
  });

  it('a finished delivery keeps its summary but lets its payload go', async () => {
    fleet.alerts.createRule({ channelId: webhook().id, on: ['offline'], coalesceS: 0 });
    fleet.service.recordHeartbeat('a');
    fleet.service.reportOffline('a');
    await fleet.pump();
    expect(fleet.db.prepare('SELECT state, summary, payload FROM alert_deliveries').get()).toEqual({ state: 'sent', summary: '1 agent went offline: a', payload: null });
  });
});

describe('tests of a channel', () => {
  it('a test cut short by a stop is failed at the next start, never sent again', async () => {
    const channel = webhook();
    new AlertStore(fleet.db).insertDelivery({ id: 'dl_cut', channelId: channel.id, ruleId: null, summary: 't', payload: '{}', test: true, now: fleet.clock.now(), nextAttemptAt: null });
    const restarted = new Alerts(fleet.db, { clock: new FakeClock(), timeouts: new FakeTimeouts() });
    restarted.start((id) => fleet.service.find(id), fleet.service.onDidChange);
    expect(restarted.deliveries()[0]).toMatchObject({ id: 'dl_cut', state: 'failed', lastError: 'Interrupted: the monitor stopped during the test' });
    restarted.dispose();
    await fleet.pump();
    expect(receiver.received).toHaveLength(0);
  });

  it('a channel deleted while its test is under way answers not_found, not a crash', async () => {
    receiver.answer('hang');
    const channel = webhook();
    const test = fleet.alerts.testChannel(channel.id);
    await receiver.waitFor(1);
    fleet.alerts.deleteChannel(channel.id);
    await expect(test).rejects.toMatchObject({ code: 'not_found' });
  });
});
