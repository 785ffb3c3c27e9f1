import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseEvery, runCli } from '../../cli/fleet-monitor';
import { parseHeadersText } from '../../cli/headers-file';
import { AGENT_TOKEN, startPortFixture, type PortFixture } from '../support/port-fixture';
import { useTempDir } from '../support/temp-dir';

let f: PortFixture;
beforeEach(async () => {
  f = await startPortFixture();
});
afterEach(async () => {
  await f.stop();
});

type Extra = { sleep?: (ms: number, s: AbortSignal) => Promise<void>; signal?: AbortSignal; readStdin?: () => Promise<string>; now?: () => number };
async function cli(args: string[], env: Record<string, string | undefined> = {}, extra: Extra = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(args, { FLEET_URL: f.port.url, FLEET_AGENT_TOKEN: AGENT_TOKEN, ...env }, {
    stdout: (l) => stdout.push(l),
    stderr: (l) => stderr.push(l),
    ...extra,
  });
  return { code, stdout, stderr };
}

describe('fleet-monitor agent …', () => {
  const tempDir = useTempDir();

  it('heartbeat registers the agent with name and labels and prints one line', async () => {
    const run = await cli(['agent', 'heartbeat', 'a1', '--name', 'Agent One', '--label', 'team=infra', '--label', 'zone=eu']);
    expect(run).toEqual({ code: 0, stdout: ['a1: idle'], stderr: [] });
    expect(f.service.get('a1')).toMatchObject({ name: 'Agent One', labels: { team: 'infra', zone: 'eu' } });
  });

  it('busy (work by default, or on_call) and idle', async () => {
    expect((await cli(['agent', 'busy', 'w'])).stdout).toEqual(['w: busy']);
    expect((await cli(['agent', 'busy', 'c', '--slot', 'on_call'])).stdout).toEqual(['c: on_call']);
    expect((await cli(['agent', 'idle', 'w'])).stdout).toEqual(['w: idle']);
  });

  it('a refused move exits 1 with the server’s code and message on one line', async () => {
    await cli(['agent', 'busy', 'a1']);
    expect(await cli(['agent', 'busy', 'a1'])).toEqual({
      code: 1,
      stdout: [],
      stderr: ["fleet-monitor: invalid_transition: Agent 'a1' is busy; expected one of [idle]"],
    });
  });

  it('exhausted reads a response saved by curl -i and the port works out the recovery time', async () => {
    const file = path.join(tempDir(), 'headers.txt');
    fs.writeFileSync(file, 'HTTP/2 429\r\ncontent-type: application/json\r\nx-ratelimit-reset-tokens: 6m0s\r\nx-ratelimit-reset-requests: 1s\r\n\r\n{"error":{}}');
    const run = await cli(['agent', 'exhausted', 'a1', '--reason', 'rate_limit', '--headers-file', file]);
    const expected = new Date(f.clock.now() + 360_000).toISOString();
    expect(run).toEqual({ code: 0, stdout: [`a1: exhausted until ${expected}`], stderr: [] });
  });

  it('exhausted with a JSON headers file, or an explicit time, and --json output', async () => {
    const file = path.join(tempDir(), 'headers.json');
    fs.writeFileSync(file, JSON.stringify({ 'retry-after': '120' }));
    const json = await cli(['agent', 'exhausted', 'a1', '--reason', 'billing', '--headers-file', file, '--json']);
    expect(JSON.parse(json.stdout[0]!)).toMatchObject({ agent: { id: 'a1', exhaust_reason: 'billing', recovery_at: new Date(f.clock.now() + 120_000).toISOString() } });
    const explicit = await cli(['agent', 'exhausted', 'a2', '--reason', 'rate_limit', '--recovery-at', '2026-01-01T15:00:00Z']);
    expect(explicit.stdout).toEqual(['a2: exhausted until 2026-01-01T15:00:00.000Z']);
  });

  it.each([
    [['agent', 'heartbeat', 'a1'], { FLEET_AGENT_TOKEN: undefined }, /no token/],
    [['agent', 'heartbeat', 'bad id!'], {}, /not a valid agent id/],
    [['agent', 'dance', 'a1'], {}, /unknown command 'agent dance'/],
    [['agent', 'heartbeat'], {}, /needs an agent id/],
    [['status'], {}, /expected 'agent <command> <id>'/],
    [['agent', 'busy', 'a1', '--slot', 'night'], {}, /--slot must be work or on_call/],
    [['agent', 'exhausted', 'a1', '--reason', 'tired'], {}, /--reason must be rate_limit or billing/],
    [['agent', 'exhausted', 'a1', '--reason', 'billing', '--recovery-at', 'soon'], {}, /--recovery-at must be an RFC 3339 time/],
    [['agent', 'exhausted', 'a1', '--reason', 'billing', '--headers-file', '/nonexistent/h.txt'], {}, /cannot read headers from/],
    [['agent', 'heartbeat', 'a1', '--every', '10ms'], {}, /--every must be a duration from 1s to 1h/],
    [['agent', 'heartbeat', 'a1', '--bogus'], {}, /Unknown option '--bogus'/],
  ])('usage error %j exits 2 with one line, sending nothing', async (args, env, message) => {
    const run = await cli(args, env);
    expect(run.code).toBe(2);
    expect(run.stderr).toHaveLength(1);
    expect(run.stderr[0]).toMatch(/^fleet-monitor: /);
    expect(run.stderr[0]).toMatch(message);
    expect(f.service.count()).toBe(0);
  });

  it('an unreachable port exits 1 naming the URL', async () => {
    const run = await cli(['agent', 'heartbeat', 'a1'], { FLEET_URL: 'http://127.0.0.1:1' });
    expect(run.code).toBe(1);
    expect(run.stderr).toEqual(['fleet-monitor: cannot reach Fleet Monitor at http://127.0.0.1:1 (connection failed)']);
  });

  it('--help prints the usage and exits 0', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout[0]).toMatch(/^Usage: fleet-monitor agent/);
  });

  it('heartbeat --every beats each period until stopped, and keeps going through failures', async () => {
    const controller = new AbortController();
    const waits: number[] = [];
    let beats = 0;
    const sleep = async (ms: number) => {
      waits.push(ms);
      beats++;
      if (beats === 2) await f.port.close(); // the monitor goes away for a beat
      if (beats === 4) controller.abort();
    };
    const run = await cli(['agent', 'heartbeat', 'loop', '--every', '30s'], {}, { sleep, signal: controller.signal });
    expect(run.code).toBe(0);
    expect(waits).toEqual([30_000, 30_000, 30_000, 30_000]);
    expect(run.stdout).toEqual(['loop: idle', 'loop: idle']);
    expect(run.stderr).toHaveLength(2);
    expect(run.stderr[0]).toMatch(/^fleet-monitor: cannot reach Fleet Monitor/);
  });
});

describe('exhausted with the agent\'s message', () => {
  const tempDir = useTempDir();

  it('--message: the port reads reason and reset time; --tz names the zone of its clock times', async () => {
    const run = await cli(['agent', 'exhausted', 'cx', '--message', "You've hit your usage limit. Upgrade to Pro, or try again at 3:28 PM.", '--tz', 'America/Chicago']);
    // 15:28 in Chicago (UTC−6 in January) is 21:28Z; the fake clock says 2026-01-01T12:00Z.
    expect(run).toEqual({ code: 0, stdout: ['cx: exhausted until 2026-01-01T21:28:00.000Z'], stderr: [] });
    expect(f.service.get('cx')).toMatchObject({ exhaustReason: 'rate_limit', recoverySource: 'message' });
  });

  it('--message-file F, or - for stdin; no --reason needed for a billing text', async () => {
    const file = path.join(tempDir(), 'out.txt');
    fs.writeFileSync(file, 'Running task…\nAPI Error: Credit balance is too low\n');
    expect((await cli(['agent', 'exhausted', 'f1', '--message-file', file])).code).toBe(0);
    expect(f.service.get('f1')).toMatchObject({ exhaustReason: 'billing', exhaustExcerpt: 'API Error: Credit balance is too low' });
    const run = await cli(['agent', 'exhausted', 'f2', '--message-file', '-', '--tz', 'UTC'], {}, { readStdin: async () => 'Please retry in 90s' });
    expect(run.stdout).toEqual([`f2: exhausted until ${new Date(f.clock.now() + 90_000).toISOString()}`]);
  });

  it('a long output is cut to its newest 16 KiB, between characters, where the limit line is', async () => {
    const file = path.join(tempDir(), 'long.txt');
    fs.writeFileSync(file, `${'é build output line\n'.repeat(2000)}You've hit your limit · resets 3pm (UTC)\n`);
    expect((await cli(['agent', 'exhausted', 'long', '--message-file', file])).code).toBe(0);
    expect(f.service.get('long')).toMatchObject({ recoverySource: 'message', recoveryAt: Date.UTC(2026, 0, 1, 15) });
  });

  it('refuses a bad --tz, both --message and --message-file, and a file it cannot read (exit 2, nothing sent)', async () => {
    expect((await cli(['agent', 'exhausted', 'z', '--message', 'x', '--tz', 'Moon/Base'])).code).toBe(2);
    expect((await cli(['agent', 'exhausted', 'z', '--message', 'x', '--message-file', 'y'])).code).toBe(2);
    expect((await cli(['agent', 'exhausted', 'z', '--message-file', path.join(tempDir(), 'missing')])).code).toBe(2);
    expect(f.service.count()).toBe(0);
  });
});

describe('fleet-monitor parse-limit', () => {
  const now = () => Date.UTC(2026, 8, 21, 10, 30);

  it('prints the reason, the reset time (UTC, local, and how far) and the excerpt', async () => {
    const run = await cli(['parse-limit', "You've hit your weekly limit · resets Sep 24, 9am (America/Los_Angeles)", '--tz', 'Europe/Berlin'], {}, { now });
    expect(run).toEqual({
      code: 0,
      stdout: [
        'limit: rate_limit',
        'recovers: 2026-09-24T16:00:00.000Z (Thu, Sep 24, 6:00 PM Europe/Berlin, in 3 d 5 h 30 min)',
        "excerpt: You've hit your weekly limit · resets Sep 24, 9am (America/Los_Angeles)",
      ],
      stderr: [],
    });
  });

  it('says when a text is not a limit, and when a limit gives no time', async () => {
    expect((await cli(['parse-limit', 'Context limit reached · /compact or /clear to continue'], {}, { now })).stdout).toEqual(['not a limit']);
    expect((await cli(['parse-limit', 'Credit balance is too low', '--tz', 'UTC'], {}, { now })).stdout).toEqual([
      'limit: billing',
      'recovers: no time in the text (the port uses its default delay)',
      'excerpt: Credit balance is too low',
    ]);
  });

  it('--json, and - reads the text from stdin; it needs no token and sends nothing', async () => {
    const run = await cli(['parse-limit', '-', '--json'], { FLEET_AGENT_TOKEN: undefined }, { now, readStdin: async () => '{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","details":[{"retryDelay":"900ms"}]}}' });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout[0]!)).toEqual({ limit: true, reason: 'rate_limit', recovery_at: '2026-09-21T10:30:00.900Z', excerpt: 'rate limit error' });
    expect(f.service.count()).toBe(0);
  });

  it('usage errors exit 2', async () => {
    expect((await cli(['parse-limit'])).code).toBe(2);
    expect((await cli(['parse-limit', 'a', 'b'])).code).toBe(2);
    expect((await cli(['parse-limit', 'a', '--tz', 'nowhere'])).code).toBe(2);
  });
});

describe('parsers', () => {
  it.each([
    ['1s', 1000],
    ['30s', 30_000],
    ['1.5s', 1500],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['2000ms', 2000],
  ])('--every %s = %d ms', (text, ms) => expect(parseEvery(text)).toBe(ms));

  it('headers as curl -i prints them, keeping the last response block and repeated names', () => {
    const text = 'HTTP/1.1 100 Continue\n\nHTTP/1.1 429 Too Many Requests\nRetry-After: 30\nSet-Cookie: a=1\nSet-Cookie: b=2\n\nbody';
    expect(parseHeadersText(text)).toEqual({ 'Retry-After': '30', 'Set-Cookie': ['a=1', 'b=2'] });
  });

  it('refuses what is not headers', () => {
    expect(() => parseHeadersText('just some text')).toThrow(/not a header line/);
    expect(() => parseHeadersText('[1, 2]')).toThrow();
    expect(() => parseHeadersText('{"a": 5}')).toThrow(/must be a string/);
  });
});

describe('the fleet-monitor command', () => {
  it('runs from bin/ against a real port', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['bin/fleet-monitor.js', 'agent', 'busy', 'bin-agent', '--url', f.port.url, '--token', AGENT_TOKEN], { timeout: 10_000 });
    expect(stdout).toBe('bin-agent: busy\n');
  });
});
