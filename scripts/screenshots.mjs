#!/usr/bin/env node
// The README's screenshots of the table and the map (docs/table.png,
// docs/map.png): headless mode over a temp database with a fleet of a few
// hundred agents, reported over HTTP as real agents would, shown in Chromium
// at 1440×900. Run `node scripts/build.mjs --headless` first.
//   node scripts/screenshots.mjs [--out docs] [--agents 360] [--color-scheme light|dark] [--tiles]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const out = path.resolve(root, arg('--out', 'docs'));
const count = Number(arg('--agents', '360'));
const colorScheme = arg('--color-scheme', 'light');
const executablePath = process.env.FLEET_CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => fs.existsSync(p));
if (!executablePath) throw new Error('No Chromium: set FLEET_CHROMIUM');

const TEAMS = ['infra', 'payments', 'web', 'data', 'ml', 'docs'];
const REGIONS = ['eu', 'us', 'ap'];
const TOOLS = ['Claude', 'Codex', 'Aider', 'Gemini'];
const REPOS = ['payments-api', 'web-shop', 'etl-nightly', 'search', 'infra-terraform', 'mobile-app', 'docs-site', 'ranker'];

/** A deterministic mix close to a working day: most busy, some idle or on call, a few offline or exhausted. */
function fleet() {
  const agents = [];
  for (let i = 0; i < count; i++) {
    const team = TEAMS[(i * 7) % TEAMS.length];
    const region = REGIONS[(i * 5) % REGIONS.length];
    const repo = REPOS[(i * 3) % REPOS.length];
    const roll = (i * 37) % 100;
    const status = roll < 52 ? 'busy' : roll < 70 ? 'idle' : roll < 80 ? 'on_call' : roll < 91 ? 'offline' : 'exhausted';
    agents.push({
      id: `${team}-${repo}-${i}`,
      name: `${TOOLS[i % TOOLS.length]} · ${repo} #${(i % 9) + 1}`,
      labels: { team, region, host: `dev-${(i % 24) + 1}` },
      status,
    });
  }
  return agents;
}

async function startServe(dir) {
  const child = spawn(process.execPath, [path.join(root, 'out/main/serve.js'), '--port', '0'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', FLEET_DB: path.join(dir, 'fleet.db') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
  const tokens = JSON.parse(fs.readFileSync(path.join(dir, 'tokens.json'), 'utf8'));
  return { child, url, agentToken: tokens.agent_token, operatorToken: tokens.operator_token };
}

async function report(server, agent) {
  const post = async (move, body) => {
    const res = await fetch(`${server.url}/v1/agents/${agent.id}/${move}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.agentToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${move} ${agent.id}: ${res.status} ${await res.text()}`);
  };
  await post('heartbeat', { name: agent.name, labels: agent.labels });
  if (agent.status === 'busy') await post('busy', { slot_type: 'work' });
  if (agent.status === 'on_call') await post('busy', { slot_type: 'on_call' });
  if (agent.status === 'offline') await post('offline', {});
  if (agent.status === 'exhausted') await post('exhausted', { reason: 'rate_limit', message: 'Claude usage limit reached. Your limit will reset at 11pm.' });
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-screenshots-'));
const server = await startServe(dir);
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
try {
  const agents = fleet();
  for (let i = 0; i < agents.length; i += 16) await Promise.all(agents.slice(i, i + 16).map((agent) => report(server, agent)));
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme });
  await page.goto(`${server.url}/#token=${server.operatorToken}`);
  await page.locator('[data-agent-id]').first().waitFor();
  // The whole fleet in, and the counts with it.
  await page.getByRole('button', { name: new RegExp(`^all ${agents.length}$`, 'i') }).waitFor();
  fs.mkdirSync(out, { recursive: true });
  if (process.argv.includes('--tiles')) await page.screenshot({ path: path.join(out, 'tiles.png') });
  await page.getByRole('radio', { name: 'Table' }).check();
  await page.locator('[role="row"][data-agent-id]').first().waitFor();
  // By name, so the screenshot shows every status side by side; then back to the default order for the map.
  await page.getByRole('columnheader', { name: 'Name', exact: true }).getByRole('button').click();
  await page.screenshot({ path: path.join(out, 'table.png') });
  await page.getByRole('columnheader', { name: 'Status', exact: true }).getByRole('button').click();
  await page.getByRole('radio', { name: 'Map' }).check();
  const canvas = page.getByRole('application', { name: /^Status map/ });
  await canvas.waitFor();
  // One agent named under the pointer, as an operator would see it.
  const box = await page.locator('.map-cells').boundingBox();
  const pitch = Number(await page.locator('.map-cells').getAttribute('data-pitch'));
  await page.mouse.move(box.x + pitch * 12.5, box.y + pitch * 3.5);
  await page.getByRole('tooltip').waitFor();
  await page.screenshot({ path: path.join(out, 'map.png') });
  console.log(`wrote the screenshots in ${out} (${agents.length} agents, ${colorScheme})`);
} finally {
  await browser.close();
  server.child.kill('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
}
