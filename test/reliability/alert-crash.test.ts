/**
 * Alerts survive the monitor's crash, through the real process: a status
 * change committed but not yet sent when `serve` is killed with SIGKILL is
 * sent after the restart; one in flight is sent again with the same delivery
 * id; and the monitor's own downtime does not flood (the grace rules decide,
 * and a coalescing window still makes one message).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertReceiver } from '../support/alert-receiver';
import { ServeProcess } from '../support/serve-process';
import { useTempDir } from '../support/temp-dir';

interface Server {
  readonly serve: ServeProcess;
  readonly url: string;
  readonly agentToken: string;
  readonly operatorToken: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function start(dir: string, extra: Record<string, string> = {}): Promise<Server> {
  const serve = ServeProcess.start(['--port', '0'], { FLEET_DB: path.join(dir, 'fleet.db'), FLEET_SWEEP_INTERVAL_MS: '50', ...extra });
  const url = (await serve.waitForLine(/^Fleet Monitor listening on /)).replace('Fleet Monitor listening on ', '');
  const tokens = JSON.parse(fs.readFileSync(path.join(dir, 'tokens.json'), 'utf8')) as { agent_token: string; operator_token: string };
  return { serve, url, agentToken: tokens.agent_token, operatorToken: tokens.operator_token };
}

async function post(server: Server, p: string, body: unknown, token = server.agentToken): Promise<Response> {
  const res = await fetch(`${server.url}${p}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.ok, `${p}: ${res.status} ${await res.clone().text()}`).toBe(true);
  return res;
}

async function kill(server: Server): Promise<void> {
  server.serve.child.kill('SIGKILL');
  await server.serve.exit();
}

/** A webhook channel to the receiver and a rule on `on` with the given window. */
async function alertTo(server: Server, receiver: AlertReceiver, on: string[], coalesceS: number): Promise<void> {
  const channel = (await (await post(server, '/v1/alerts/channels', { name: 'hook', kind: 'webhook', url: `${receiver.url}/hook` }, server.operatorToken)).json()) as {
    channel: { id: string };
  };
  await post(server, '/v1/alerts/rules', { channel_id: channel.channel.id, on, coalesce_s: coalesceS }, server.operatorToken);
}

const deliveryIds = (receiver: AlertReceiver) => new Set(receiver.received.map((r) => r.headers['x-fleet-delivery']));

describe('alerts across a kill -9', () => {
  const tempDir = useTempDir('fleet-alert-crash-');
  let receiver: AlertReceiver;
  let running: Server | undefined;

  beforeEach(async () => {
    receiver = await AlertReceiver.start();
  });

  afterEach(async () => {
    if (running && running.serve.child.exitCode === null) await kill(running);
    running = undefined;
    await receiver.close();
  });

  it('a change committed but not sent when the monitor dies is sent after the restart, as exactly one delivery', async () => {
    const dir = tempDir();
    const first = (running = await start(dir));
    await alertTo(first, receiver, ['exhausted'], 2);
    await post(first, '/v1/agents/coder-1/heartbeat', {});
    await post(first, '/v1/agents/coder-1/exhausted', { reason: 'rate_limit' }); // committed before this reply
    await kill(first); // inside the 2 s window: nothing was sent
    expect(receiver.received).toHaveLength(0);

    const second = (running = await start(dir));
    await receiver.waitFor(1, 10_000);
    await sleep(2_500); // room for a duplicate to show, should there be one
    expect(deliveryIds(receiver).size).toBe(1);
    expect(receiver.received).toHaveLength(1);
    const body = JSON.parse(receiver.received[0]!.body) as { id: string; summary: string; changes: { agent: { id: string }; to: string }[] };
    expect(body.summary).toBe('1 agent became exhausted: coder-1');
    const list = (await (await fetch(`${second.url}/v1/alerts/deliveries`, { headers: { authorization: `Bearer ${second.operatorToken}` } })).json()) as {
      deliveries: { id: string; state: string }[];
    };
    expect(list.deliveries).toEqual([expect.objectContaining({ id: body.id, state: 'sent' })]);
  }, 30_000);

  it('a delivery in flight when the monitor dies is sent again after the restart with the same delivery id', async () => {
    receiver.answer('hang'); // the first attempt never gets its answer
    const dir = tempDir();
    const first = (running = await start(dir));
    await alertTo(first, receiver, ['offline'], 0);
    await post(first, '/v1/agents/builder/heartbeat', {});
    await post(first, '/v1/agents/builder/offline', {});
    await receiver.waitFor(1);
    await kill(first);

    running = await start(dir);
    // The attempt was leased for its 5 s bound (and a second): it is due again once that runs out.
    await receiver.waitFor(2, 15_000);
    await sleep(1_000);
    expect(receiver.received).toHaveLength(2);
    expect(deliveryIds(receiver).size).toBe(1);
    expect(receiver.received[0]!.body).toBe(receiver.received[1]!.body);
  }, 30_000);

  it("the monitor's own downtime does not flood: after the grace, one message for the agents that stayed silent", async () => {
    const dir = tempDir();
    const env = { FLEET_HEARTBEAT_TIMEOUT_S: '1' };
    const first = (running = await start(dir, env));
    await alertTo(first, receiver, ['offline'], 3);
    for (let i = 0; i < 5; i++) await post(first, `/v1/agents/silent-${i}/heartbeat`, {});
    await kill(first);
    await sleep(2_000); // down longer than the timeout

    running = await start(dir, env);
    await receiver.waitFor(1, 15_000);
    await sleep(4_000); // a second window's worth: no further message
    expect(receiver.received).toHaveLength(1);
    const body = JSON.parse(receiver.received[0]!.body) as { summary: string; changes: { cause: string }[] };
    expect(body.summary).toBe('5 agents went offline: silent-0, silent-1, silent-2, silent-3, silent-4');
    expect(body.changes.map((c) => c.cause)).toEqual(Array(5).fill('sweeper'));
  }, 40_000);
});
