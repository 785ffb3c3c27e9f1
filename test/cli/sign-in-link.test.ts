import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/fleet-monitor';
import { request } from '../support/http-client';
import { AGENT_TOKEN, OPERATOR_TOKEN, startPortFixture, type PortFixture } from '../support/port-fixture';
import { useTempDir } from '../support/temp-dir';

let f: PortFixture;
beforeEach(async () => {
  f = await startPortFixture();
});
afterEach(async () => {
  await f.stop();
});

async function cli(args: string[], env: Record<string, string | undefined> = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(args, { FLEET_URL: f.port.url, ...env }, { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) });
  return { code, stdout, stderr };
}

const trade = (code: string) =>
  request(f.port.port, { method: 'POST', path: '/v1/session', body: { code } });

describe('fleet-monitor sign-in-link', () => {
  const tempDir = useTempDir();

  it('prints a fresh one-time link as serve does, with the operator token from the tokens file, never the token', async () => {
    const file = path.join(tempDir(), 'tokens.json');
    fs.writeFileSync(file, JSON.stringify({ agent_token: AGENT_TOKEN, operator_token: OPERATOR_TOKEN }));
    const run = await cli(['sign-in-link', '--tokens-file', file]);
    expect(run.code).toBe(0);
    expect(run.stdout[0]).toMatch(new RegExp(`^Fleet Monitor UI: http://127\\.0\\.0\\.1:${f.port.port}/#code=[A-Za-z0-9_-]{43}$`));
    expect(run.stdout[1]).toBe(`(works once, until ${new Date(f.clock.now() + 600_000).toISOString()})`);
    expect([...run.stdout, ...run.stderr].join('\n')).not.toContain(OPERATOR_TOKEN);
    const code = run.stdout[0]!.split('#code=')[1]!;
    expect((await trade(code)).json).toEqual({ token: OPERATOR_TOKEN });
  });

  it('takes FLEET_OPERATOR_TOKEN too; the agent token is refused in one line, exit 1; no token is a usage error, exit 2', async () => {
    expect((await cli(['sign-in-link'], { FLEET_OPERATOR_TOKEN: OPERATOR_TOKEN })).code).toBe(0);
    expect(await cli(['sign-in-link'], { FLEET_OPERATOR_TOKEN: AGENT_TOKEN })).toEqual({
      code: 1,
      stdout: [],
      stderr: ['fleet-monitor: forbidden: This endpoint needs the operator token'],
    });
    const none = await cli(['sign-in-link']);
    expect(none.code).toBe(2);
    expect(none.stderr[0]).toContain('no operator token');
    const missing = await cli(['sign-in-link', '--tokens-file', path.join(tempDir(), 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr[0]).toContain('cannot read');
  });
});
