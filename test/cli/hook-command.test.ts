import { spawn } from 'node:child_process';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/fleet-monitor';
import { STATUSLINE_TIMEOUT_MS } from '../../cli/hook-command';
import { AGENT_TOKEN, startPortFixture, type PortFixture } from '../support/port-fixture';

let f: PortFixture;
beforeEach(async () => {
  f = await startPortFixture();
});
afterEach(async () => {
  await f.stop();
});

async function cli(args: string[], stdin = '', env: Record<string, string | undefined> = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(args, { FLEET_URL: f.port.url, FLEET_AGENT_TOKEN: AGENT_TOKEN, ...env }, {
    stdout: (l) => stdout.push(l),
    stderr: (l) => stderr.push(l),
    readStdin: async () => stdin,
  });
  return { code, stdout, stderr };
}

const SESSION = '5f0c9d2e-1111-4222-8333-944455556666';

describe('fleet-monitor hook', () => {
  it('claude-code: forwards the payload on stdin, prints nothing, exits 0', async () => {
    const payload = { session_id: SESSION, hook_event_name: 'SessionStart', cwd: '/srv/app', source: 'startup' };
    expect(await cli(['hook', 'claude-code'], JSON.stringify(payload))).toEqual({ code: 0, stdout: [], stderr: [] });
    expect(f.service.get(`cc-${SESSION}`)).toMatchObject({ status: 'idle', name: 'app' });
  });

  it('codex: the notify JSON comes as the last argument', async () => {
    const notify = { type: 'agent-turn-complete', 'thread-id': 't-1', 'turn-id': '1', cwd: '/srv/infra', 'last-assistant-message': 'done' };
    expect((await cli(['hook', 'codex', JSON.stringify(notify)])).code).toBe(0);
    expect(f.service.get('codex-t-1')).toMatchObject({ name: 'infra', labels: { source: 'codex' } });
  });

  it('never fails the agent: no token, bad JSON, a refusal, the monitor down — all exit 0 with a note on stderr only', async () => {
    const start = JSON.stringify({ session_id: SESSION, hook_event_name: 'SessionStart' });
    for (const run of [
      await cli(['hook', 'claude-code'], start, { FLEET_AGENT_TOKEN: undefined }),
      await cli(['hook', 'claude-code'], '{not json'),
      await cli(['hook', 'claude-code'], JSON.stringify({ no_event: true })),
      await cli(['hook', 'claude-code'], start, { FLEET_URL: 'http://127.0.0.1:9' }),
      await cli(['hook', 'nobody'], start),
    ]) {
      expect(run.code).toBe(0);
      expect(run.stdout).toEqual([]);
      expect(run.stderr).toHaveLength(1);
    }
    expect(f.service.count()).toBe(0);
  });

  it('a bad --agent is said and left out; the payload goes to the session\'s agent', async () => {
    const run = await cli(['hook', 'claude-code', '--agent', 'bad id'], JSON.stringify({ session_id: SESSION, hook_event_name: 'SessionStart' }));
    expect(run).toMatchObject({ code: 0, stdout: [] });
    expect(run.stderr).toEqual([expect.stringContaining("--agent 'bad id' is not a valid agent id")]);
    expect(f.service.get(`cc-${SESSION}`).status).toBe('idle');
  });
});

describe('fleet-monitor statusline', () => {
  const input = (rateLimits?: unknown) =>
    JSON.stringify({ session_id: SESSION, cwd: '/srv/app', model: { id: 'claude-opus-4-1', display_name: 'Opus' }, ...(rateLimits ? { rate_limits: rateLimits } : {}) });

  it("forwards rate_limits as the agent's usage and prints its status and usage", async () => {
    const resets = Math.floor(f.clock.now() / 1000) + 3600;
    const run = await cli(['statusline'], input({ five_hour: { used_percentage: 42.4, resets_at: resets }, seven_day: { used_percentage: 13, resets_at: resets + 86_400 } }));
    expect(run).toEqual({ code: 0, stdout: ['Fleet: idle · 5h 42% · 7d 13%'], stderr: [] });
    expect(f.service.get(`cc-${SESSION}`).usage).toEqual({
      five_hour: { usedPercent: 42.4, resetsAt: resets * 1000 },
      seven_day: { usedPercent: 13, resetsAt: (resets + 86_400) * 1000 },
    });
  });

  it('says when the agent needs its operator', async () => {
    await cli(['hook', 'claude-code'], JSON.stringify({ session_id: SESSION, hook_event_name: 'PermissionRequest', tool_name: 'Bash' }));
    expect((await cli(['statusline'], input())).stdout).toEqual(['Fleet: idle · needs you']);
  });

  it('prints a line when the monitor is down, or does not answer, or the input is not JSON', async () => {
    expect(STATUSLINE_TIMEOUT_MS).toBeLessThan(300);
    const usage = { five_hour: { used_percentage: 90 } };
    expect((await cli(['statusline'], input(usage), { FLEET_URL: 'http://127.0.0.1:9' })).stdout).toEqual(['Fleet: monitor unreachable · 5h 90%']);
    // A port that accepts and never answers: the status line still prints, cut by its own timeout.
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as net.AddressInfo;
      expect((await cli(['statusline'], input(usage), { FLEET_URL: `http://127.0.0.1:${port}` })).stdout).toEqual(['Fleet: monitor unreachable · 5h 90%']);
    } finally {
      silent.close();
    }
    expect((await cli(['statusline'], 'garbage')).stdout).toEqual(['Fleet: no status input']);
    // A refusal is not the monitor being down.
    expect((await cli(['statusline'], input(usage), { FLEET_AGENT_TOKEN: 'wrong-token' })).stdout).toEqual(['Fleet: refused (unauthorized) · 5h 90%']);
    expect((await cli(['statusline'], input(usage), { FLEET_AGENT_TOKEN: undefined })).stdout).toEqual(['Fleet: not connected · 5h 90%']);
  });
});

describe('fleet-monitor agent offline', () => {
  it('moves the agent offline', async () => {
    await cli(['agent', 'busy', 'w1']);
    expect((await cli(['agent', 'offline', 'w1'])).stdout).toEqual(['w1: offline']);
  });
});

describe('the bin entry of the agents\' own commands', () => {
  it('statusline and hook run from bin/ through their own small bundle', async () => {
    const run = (args: string[], stdin: string) =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['bin/fleet-monitor.js', ...args], { env: { ...process.env, FLEET_URL: f.port.url, FLEET_AGENT_TOKEN: AGENT_TOKEN } });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}`))));
        child.stdin.end(stdin);
      });
    expect(await run(['hook', 'claude-code'], JSON.stringify({ session_id: SESSION, hook_event_name: 'UserPromptSubmit', prompt: 'go' }))).toBe('');
    expect(await run(['statusline'], JSON.stringify({ session_id: SESSION, rate_limits: { five_hour: { used_percentage: 7 } } }))).toBe('Fleet: busy · 5h 7%\n');
  });
});
