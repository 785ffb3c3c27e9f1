/**
 * The desktop app end to end with Playwright's Electron driver: launch it on a
 * temp user-data folder, post heartbeats to its port, see the grid change.
 * Runs where Electron's binary is installed; here (no binary can be fetched)
 * it is skipped, and its title says why.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';

/** Electron's binary if it is already installed; never triggers a download. */
function installedElectron(): string | null {
  const dir = path.resolve('node_modules/electron');
  try {
    const binary = path.join(dir, 'dist', fs.readFileSync(path.join(dir, 'path.txt'), 'utf8'));
    return fs.existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const binary = installedElectron();
if (!binary) console.info('Electron end-to-end test skipped: no Electron binary in node_modules/electron/dist (it cannot be fetched on this machine).');
const title = binary ? 'desktop app end to end (Electron)' : 'desktop app end to end: skipped, no Electron binary in node_modules/electron/dist';

describe.skipIf(!binary)(title, () => {
  it('launches on a temp user-data folder, takes heartbeats on its port and shows them in the grid', async () => {
    const { ensureElectronNative } = (await import(path.resolve('scripts/electron-native.mjs'))) as { ensureElectronNative: () => Promise<string> };
    await ensureElectronNative();
    const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-electron-'));
    const app = await electron.launch({
      executablePath: binary!,
      args: [path.resolve('.'), `--user-data-dir=${userData}`, '--port', '0'],
      env: { ...process.env, FLEET_DB: path.join(userData, 'fleet.db') },
    });
    try {
      const page = await app.firstWindow();
      await page.getByRole('heading', { name: 'No agents yet' }).waitFor();
      const settings = (await page.evaluate(() => (window as unknown as { fleet: { getSettings(): Promise<unknown> } }).fleet.getSettings())) as {
        ok: boolean;
        value: { url: string; agentToken: string };
      };
      expect(settings.ok).toBe(true);
      const post = (route: string, body: unknown) =>
        fetch(`${settings.value.url}${route}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${settings.value.agentToken}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      // A heartbeat registers the agent: its tile appears, idle, under its name.
      expect((await post('/v1/agents/desk-bot/heartbeat', { name: 'Desk bot', labels: { team: 'desk' } })).status).toBe(200);
      const tile = page.locator('[data-agent-id="desk-bot"]');
      await page.locator('[data-agent-id="desk-bot"][data-status="idle"]').waitFor();
      expect(await tile.getByText('Desk bot', { exact: true }).count()).toBe(1);
      // A status report moves the same tile.
      expect((await post('/v1/agents/desk-bot/busy', { slot_type: 'work' })).status).toBe(200);
      await page.locator('[data-agent-id="desk-bot"][data-status="busy"]').waitFor();
      await page.screenshot({ path: path.resolve('out/e2e/desktop.png') });
    } finally {
      await app.close();
      fs.rmSync(userData, { recursive: true, force: true });
    }
  });
});
