/**
 * Settings → Alerts end to end: real Chromium against `out/main/serve.js`
 * (headless, port 0, a temp database) and a real HTTP receiver on
 * 127.0.0.1. A webhook channel added through the form gets "Send test"'s
 * signed message; a rule added through the form alerts when an agent is
 * exhausted, and its delivery shows in the list.
 */
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AlertReceiver } from '../support/alert-receiver';
import { launchChromium, requireBrowserInCi } from '../support/browser';
import { ServeProcess } from '../support/serve-process';
import { useTempDir } from '../support/temp-dir';

requireBrowserInCi(inject('chromium'));

describe.skipIf(inject('chromium') === null)('Settings → Alerts in Chromium', () => {
  const tempDir = useTempDir('fleet-e2e-alerts-');
  let browser: Browser;
  let serve: ServeProcess;
  let receiver: AlertReceiver;
  let page: Page;
  let url: string;
  let tokens: { agent_token: string; operator_token: string };
  let alerts: Locator;

  beforeAll(async () => {
    const dir = tempDir();
    receiver = await AlertReceiver.start();
    serve = ServeProcess.start(['--port', '0'], { FLEET_DB: path.join(dir, 'fleet.db'), FLEET_SWEEP_INTERVAL_MS: '50' });
    url = (await serve.waitForLine(/^Fleet Monitor listening on /)).replace('Fleet Monitor listening on ', '');
    const ui = (await serve.waitForLine(/^Fleet Monitor UI: /)).replace('Fleet Monitor UI: ', '');
    tokens = JSON.parse(fs.readFileSync(path.join(dir, 'tokens.json'), 'utf8')) as typeof tokens;
    browser = await launchChromium(inject('chromium'));
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(ui);
    await page.getByRole('button', { name: 'Settings' }).click();
    alerts = page.getByRole('region', { name: 'Alerts' });
    await alerts.getByText('No channels yet: add one below.').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    serve?.child.kill('SIGTERM');
    await serve?.exit();
    await receiver?.close();
  });

  it('adds a signed webhook channel through the form; "Send test" is sent, the receiver gets the fleet.alert, and the delivery is listed', async () => {
    const add = alerts.getByRole('group', { name: 'Add channel' });
    await add.getByLabel('Name').fill('ops hook');
    await add.getByLabel('Kind').selectOption('webhook');
    await add.getByLabel('URL').fill(`${receiver.url}/hook`);
    await add.getByLabel('Secret (optional)').fill('s3cret-value');
    await add.getByRole('button', { name: 'Add channel' }).click();

    const row = alerts.getByRole('listitem', { name: 'ops hook' });
    await row.waitFor();
    expect(await row.textContent()).toContain(`${receiver.url}/hook`);
    await row.getByText('signed', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'Send test' }).click();
    await row.getByRole('status').getByText('Test sent', { exact: true }).waitFor();

    const [request] = await receiver.waitFor(1);
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/hook');
    const body = JSON.parse(request!.body) as { type: string; id: string; summary: string };
    expect(body.type).toBe('fleet.alert');
    expect(request!.headers['x-fleet-delivery']).toBe(body.id);
    expect(request!.headers['x-fleet-signature']).toBe(`sha256=${createHmac('sha256', 's3cret-value').update(request!.body).digest('hex')}`);

    const delivery = alerts.locator(`[data-delivery-id="${body.id}"]`);
    await delivery.waitFor();
    expect(await delivery.getAttribute('data-state')).toBe('sent');
    // The secret went to the core and stays there.
    expect(await page.content()).not.toContain('s3cret-value');
  });

  it('a rule added through the form alerts when an agent is exhausted; the delivery shows as sent without a reload', async () => {
    const add = alerts.getByRole('group', { name: 'Add rule' });
    await add.getByLabel('Channel').selectOption({ label: 'ops hook' });
    const on = add.getByRole('group', { name: 'Alert on' });
    await on.getByRole('checkbox', { name: 'offline' }).uncheck();
    await add.getByLabel('Agents with labels').fill('team=infra');
    await add.getByLabel('Coalesce (seconds)').fill('0');
    await add.getByRole('button', { name: 'Add rule' }).click();
    await alerts.getByRole('table', { name: 'Rules' }).getByRole('cell', { name: 'team=infra' }).waitFor();

    const before = receiver.received.length;
    const post = (p: string, body: unknown, token: string) =>
      fetch(`${url}${p}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/v1/agents/build-bot/heartbeat', { labels: { team: 'infra' } }, tokens.agent_token)).status).toBe(200);
    expect((await post('/v1/agents/build-bot/actions/exhaust', { reason: 'billing' }, tokens.operator_token)).status).toBe(200);

    const [request] = (await receiver.waitFor(before + 1)).slice(before);
    const body = JSON.parse(request!.body) as { type: string; id: string; changes: { agent: { id: string }; to: string }[] };
    expect(body.type).toBe('fleet.alert');
    expect(body.changes.map((c) => [c.agent.id, c.to])).toEqual([['build-bot', 'exhausted']]);
    const delivery = alerts.locator(`[data-delivery-id="${body.id}"][data-state="sent"]`);
    await delivery.waitFor({ timeout: 10_000 });
    expect(await delivery.textContent()).toContain('build-bot');
  });

  it('has no serious or critical accessibility violation in the Alerts section', async () => {
    await page.evaluate(fs.readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8'));
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }).axe;
      const result = await axe.run({ include: [['.alerts-settings']] }, { resultTypes: ['violations'] });
      return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.nodes.length})`);
    });
    expect(violations).toEqual([]);
  });
});
