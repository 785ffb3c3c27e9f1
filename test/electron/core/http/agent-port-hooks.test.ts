/**
 * Claude Code and Codex connected through their own hooks, through the real
 * port: recorded payload sequences of a session replayed, each step's status,
 * waiting fact and recovery time checked; the answers are always `{}`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentIdForSession } from '../../../../shared/hook-agent';
import { startPortFixture, type PortFixture } from '../../../support/port-fixture';

let f: PortFixture;
beforeEach(async () => {
  f = await startPortFixture();
});
afterEach(async () => {
  await f.stop();
});

const iso = (ms: number) => new Date(ms).toISOString();
const SESSION = '8a3c2f1e-5b7d-4c9a-9e21-3f4d5a6b7c8d';
const CWD = '/home/dev/src/payments-api';
const ID = `cc-${SESSION}`;
const base = { session_id: SESSION, transcript_path: `/home/dev/.claude/projects/-home-dev-src-payments-api/${SESSION}.jsonl`, cwd: CWD, permission_mode: 'default' };

const hook = (path: string, body: unknown) => f.call({ method: 'POST', path, body });
const agent = async (id = ID) => (await f.call({ path: `/v1/agents/${id}` })).json.agent;
const history = async (id = ID) => (await f.call({ path: `/v1/agents/${id}/events` })).json.events as { from: string; to: string; cause: string; detail: Record<string, unknown> | null }[];

describe('POST /v1/hooks/claude-code: a recorded session', () => {
  it('start, prompt, tools, a permission wait, stop, a rate-limit failure, end', async () => {
    const steps: [unknown, (a: Record<string, unknown>) => void][] = [
      [{ ...base, hook_event_name: 'SessionStart', source: 'startup', model: 'claude-sonnet-4-5' }, (a) => {
        expect(a).toMatchObject({ id: ID, name: 'payments-api', status: 'idle', waiting: null });
        expect(a.labels).toEqual({ source: 'claude-code', session: SESSION, project: 'payments-api' });
      }],
      [{ ...base, hook_event_name: 'UserPromptSubmit', prompt: 'Add retries to the webhook client' }, (a) => expect(a).toMatchObject({ status: 'busy' })],
      [{ ...base, hook_event_name: 'PreToolUse', tool_name: 'Read', tool_input: { file_path: `${CWD}/src/webhook.ts` }, tool_use_id: 'toolu_01' }, (a) => expect(a.status).toBe('busy')],
      [{ ...base, hook_event_name: 'PostToolUse', tool_name: 'Read', tool_input: { file_path: `${CWD}/src/webhook.ts` }, tool_response: { content: 'x'.repeat(200_000) }, tool_use_id: 'toolu_01' }, (a) => expect(a.status).toBe('busy')],
      [{ ...base, hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: { command: 'npm test', description: 'Run the tests' } }, (a) => {
        expect(a).toMatchObject({ status: 'busy', waiting: { kind: 'permission', message: 'Bash: npm test', since: iso(f.clock.now()) } });
      }],
      [{ ...base, hook_event_name: 'Notification', notification_type: 'permission_prompt', message: 'Claude needs your permission to use Bash' }, (a) => {
        // The vaguer notification keeps the request's words, and the wait its start.
        expect(a.waiting).toMatchObject({ kind: 'permission', message: 'Bash: npm test', since: iso(f.clock.now() - 1_000) });
      }],
      [{ ...base, hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: { command: 'npm test' }, tool_response: { stdout: 'ok', exit_code: 0 } }, (a) => {
        expect(a).toMatchObject({ status: 'busy', waiting: null });
      }],
      [{ ...base, hook_event_name: 'Stop', stop_hook_active: false, last_assistant_message: 'Done: retries added.' }, (a) => expect(a).toMatchObject({ status: 'idle', waiting: null })],
      [{ ...base, hook_event_name: 'Notification', notification_type: 'idle_prompt', message: 'Claude is waiting for your input' }, (a) => {
        expect(a).toMatchObject({ status: 'idle', waiting: { kind: 'input', message: 'Claude is waiting for your input' } });
      }],
      [{ ...base, hook_event_name: 'UserPromptSubmit', prompt: 'Now refactor the client' }, (a) => expect(a).toMatchObject({ status: 'busy', waiting: null })],
      [{ ...base, hook_event_name: 'StopFailure', error: 'rate_limit', error_details: '429 {"type":"error","error":{"type":"rate_limit_error","message":"usage limit"}}', last_assistant_message: "You've hit your session limit · resets 3:30pm (UTC)" }, (a) => {
        expect(a).toMatchObject({ status: 'exhausted', exhaust_reason: 'rate_limit', recovery_at: '2026-01-01T15:30:00.000Z', recovery_source: 'message' });
        expect(a.exhaust_excerpt).toBe("You've hit your session limit · resets 3:30pm (UTC)");
      }],
      [{ ...base, hook_event_name: 'SessionEnd', reason: 'prompt_input_exit' }, (a) => expect(a.status).toBe('offline')],
    ];
    for (const [payload, check] of steps) {
      f.clock.advance(1_000);
      const res = await hook('/v1/hooks/claude-code', payload);
      expect(res.status).toBe(200);
      expect(res.json).toEqual({});
      check(await agent());
    }
    expect((await history()).map((e) => `${e.from}→${e.to}`).reverse()).toEqual(['idle→busy', 'busy→idle', 'idle→busy', 'busy→exhausted', 'exhausted→offline']);
  });

  it('AskUserQuestion waits for an answer; a billing failure exhausts for billing; another failure just ends the turn', async () => {
    await hook('/v1/hooks/claude-code', { ...base, hook_event_name: 'UserPromptSubmit', prompt: 'go' });
    await hook('/v1/hooks/claude-code', { ...base, hook_event_name: 'PreToolUse', tool_name: 'AskUserQuestion', tool_input: { questions: [{ question: 'Which database should I use?', options: [] }] } });
    expect(await agent()).toMatchObject({ status: 'busy', waiting: { kind: 'question', message: 'Which database should I use?' } });
    // Claude Code asks permission for AskUserQuestion as well: it stays a question, in its own words.
    await hook('/v1/hooks/claude-code', { ...base, hook_event_name: 'PermissionRequest', tool_name: 'AskUserQuestion', tool_input: { questions: [{ question: 'Which database should I use?' }] } });
    expect(await agent()).toMatchObject({ waiting: { kind: 'question', message: 'Which database should I use?' } });
    await hook('/v1/hooks/claude-code', { ...base, hook_event_name: 'StopFailure', error: 'server_error', error_details: 'API Error: 500 Internal server error' });
    expect(await agent()).toMatchObject({ status: 'idle' });
    await hook('/v1/hooks/claude-code', { ...base, hook_event_name: 'StopFailure', error: 'server_error' });
    expect((await agent()).status).toBe('idle'); // no refused idle → idle: a heartbeat
    await hook('/v1/hooks/claude-code', { ...base, hook_event_name: 'StopFailure', error: 'billing_error', last_assistant_message: 'Credit balance is too low' });
    expect(await agent()).toMatchObject({ status: 'exhausted', exhaust_reason: 'billing', recovery_source: 'default' });
  });

  it('the reset time may come in error_details alone (a string, as Claude Code sends it)', async () => {
    await hook('/v1/hooks/claude-code', { ...base, hook_event_name: 'StopFailure', error: 'rate_limit', error_details: 'Claude AI usage limit reached|1767290400' });
    expect(await agent()).toMatchObject({ status: 'exhausted', recovery_at: '2026-01-01T18:00:00.000Z', recovery_source: 'message' });
  });

  it('never asks for a refused move: busy events on an exhausted agent are heartbeats; a start brings an offline agent back', async () => {
    await hook('/v1/hooks/claude-code', { ...base, hook_event_name: 'StopFailure', error: 'rate_limit' });
    expect((await agent()).status).toBe('exhausted');
    f.clock.advance(5_000);
    const res = await hook('/v1/hooks/claude-code', { ...base, hook_event_name: 'UserPromptSubmit', prompt: 'try again' });
    expect(res.json).toEqual({});
    expect(await agent()).toMatchObject({ status: 'exhausted', last_heartbeat: iso(f.clock.now()) });
    await hook('/v1/hooks/claude-code', { ...base, hook_event_name: 'SessionEnd', reason: 'other' });
    await hook('/v1/hooks/claude-code', { ...base, hook_event_name: 'SessionStart', source: 'resume' });
    expect((await agent()).status).toBe('idle');
    await hook('/v1/hooks/claude-code', { ...base, hook_event_name: 'SubagentStop' });
    expect((await agent()).status).toBe('idle');
  });

  it('?agent= names the agent; its own name and labels are kept, ours added; ?tz= reads reset times', async () => {
    await f.call({ method: 'POST', path: '/v1/agents/my-claude/heartbeat', body: { name: 'My Claude', labels: { team: 'infra' } } });
    await hook('/v1/hooks/claude-code?agent=my-claude&tz=Asia%2FTokyo', { ...base, hook_event_name: 'StopFailure', error: 'rate_limit', last_assistant_message: "You've hit your limit · resets 11pm" });
    const a = await agent('my-claude');
    expect(a).toMatchObject({ name: 'My Claude', labels: { team: 'infra', source: 'claude-code', session: SESSION, project: 'payments-api' } });
    expect(a.recovery_at).toBe('2026-01-01T14:00:00.000Z'); // 23:00 in Tokyo
    expect(f.service.count()).toBe(1);
  });

  it('derives a valid, stable id from any session id', async () => {
    expect(agentIdForSession('claude-code', SESSION)).toBe(ID);
    const odd = 'session with spaces/and slashes';
    const derived = agentIdForSession('claude-code', odd);
    expect(derived).toMatch(/^cc-[0-9a-f]{16}$/);
    expect(agentIdForSession('claude-code', odd)).toBe(derived);
    expect(agentIdForSession('claude-code', 'x'.repeat(200))).toMatch(/^cc-[0-9a-f]{16}$/);
    await hook('/v1/hooks/claude-code', { ...base, session_id: odd, hook_event_name: 'SessionStart' });
    expect((await agent(derived)).labels.session).toBe(odd);
  });

  it.each([
    ['no hook_event_name', { session_id: SESSION }],
    ['no session and no ?agent', { hook_event_name: 'Stop' }],
    ['an array', [1, 2]],
    ['hook_event_name not a string', { session_id: SESSION, hook_event_name: 5 }],
  ])('a malformed payload (%s) is 400 and changes nothing', async (_name, body) => {
    const res = await hook('/v1/hooks/claude-code', body);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('bad_request');
    expect(f.service.count()).toBe(0);
  });

  it('bad ?agent or ?tz are 400; no token is 401; over 1 MiB is 413', async () => {
    expect((await hook('/v1/hooks/claude-code?agent=bad%20id', { ...base, hook_event_name: 'Stop' })).status).toBe(400);
    expect((await hook('/v1/hooks/claude-code?tz=Nowhere%2FLand', { ...base, hook_event_name: 'Stop' })).status).toBe(400);
    expect((await f.call({ method: 'POST', path: '/v1/hooks/claude-code', headers: { authorization: '' }, body: { ...base, hook_event_name: 'Stop' } })).status).toBe(401);
    expect((await hook('/v1/hooks/claude-code', { ...base, hook_event_name: 'PostToolUse', tool_response: 'x'.repeat(1024 * 1024) })).status).toBe(413);
    expect(f.service.count()).toBe(0);
  });
});

describe('POST /v1/hooks/codex', () => {
  const THREAD = '0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
  const notify = (message: string) => ({
    type: 'agent-turn-complete', 'thread-id': THREAD, 'turn-id': '12', cwd: '/home/dev/src/infra',
    'input-messages': ['deploy it'], 'last-assistant-message': message,
  });

  it("notify after each turn: idle when busy, a heartbeat otherwise; a limit text exhausts with its reset time", async () => {
    const id = `codex-${THREAD}`;
    const first = await hook('/v1/hooks/codex', notify('Deployed.'));
    expect(first.json).toEqual({});
    expect(await agent(id)).toMatchObject({ status: 'idle', name: 'infra', labels: { source: 'codex', session: THREAD, project: 'infra' } });
    // Codex's hooks (Claude-shaped) share the endpoint.
    await hook('/v1/hooks/codex', { session_id: THREAD, hook_event_name: 'UserPromptSubmit', cwd: '/home/dev/src/infra', prompt: 'again' });
    expect((await agent(id)).status).toBe('busy');
    await hook('/v1/hooks/codex', notify('All green.'));
    expect((await agent(id)).status).toBe('idle');
    await hook('/v1/hooks/codex?tz=America%2FNew_York', notify("■ You've hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), or try again at 3:28 PM."));
    expect(await agent(id)).toMatchObject({ status: 'exhausted', exhaust_reason: 'rate_limit', recovery_at: '2026-01-01T20:28:00.000Z', recovery_source: 'message' });
  });

  it('a payload of neither shape is 400', async () => {
    expect((await hook('/v1/hooks/codex', { 'thread-id': THREAD })).status).toBe(400);
  });
});

describe('POST /v1/agents/{id}/offline and exit codes', () => {
  it('any status → offline, a no-op when offline; the exit code goes into the event detail', async () => {
    await f.call({ method: 'POST', path: '/v1/agents/job/busy', body: { slot_type: 'work' } });
    const res = await f.call({ method: 'POST', path: '/v1/agents/job/offline', body: { exit_code: 3 } });
    expect(res.json.agent.status).toBe('offline');
    expect((await history('job'))[0]).toMatchObject({ from: 'busy', to: 'offline', cause: 'agent', detail: { exit_code: 3 } });
    const again = await f.call({ method: 'POST', path: '/v1/agents/job/offline' });
    expect(again.status).toBe(200);
    expect(await history('job')).toHaveLength(2);
  });

  it('idle with an exit code records it', async () => {
    await f.call({ method: 'POST', path: '/v1/agents/job/busy', body: { slot_type: 'work' } });
    await f.call({ method: 'POST', path: '/v1/agents/job/idle', body: { exit_code: 0 } });
    expect((await history('job'))[0]).toMatchObject({ to: 'idle', detail: { exit_code: 0 } });
    expect((await f.call({ method: 'POST', path: '/v1/agents/job/idle', body: { exit_code: 'x' } })).status).toBe(400);
  });
});

describe('hooks: names and labels derived from the payload stay bounded and visible', () => {
  it('a long working directory with hidden characters names the agent truncated and shown as it is, never refused', async () => {
    const segment = `proj\u202eipa\u0000\u200b${'é'.repeat(300)}`;
    const res = await hook('/v1/hooks/claude-code', { hook_event_name: 'SessionStart', session_id: SESSION, cwd: `/src/${segment}/` });
    expect(res.status).toBe(200);
    const a = await agent();
    const expected = `proj\ufffdipa\ufffd\ufffd${'é'.repeat(190)}`;
    expect(a.name).toBe(expected);
    expect(a.name).toHaveLength(200);
    expect(a.labels.project).toBe(expected);
  });

  it('a cut never leaves half a surrogate pair', async () => {
    await hook('/v1/hooks/claude-code', { hook_event_name: 'SessionStart', session_id: SESSION, cwd: `/src/${'a'.repeat(199)}😀😀` });
    const a = await agent();
    expect(a.name).toBe('a'.repeat(199));
  });

  it('a session id with control characters becomes a visible label value', async () => {
    const session = 'sess\u0001ion\u202e';
    const res = await hook('/v1/hooks/claude-code', { hook_event_name: 'SessionStart', session_id: session, cwd: '/src/api' });
    expect(res.status).toBe(200);
    const a = await agent(agentIdForSession('claude-code', session));
    expect(a.labels.session).toBe('sess\ufffdion\ufffd');
  });

  it('labels that would pass 16 KiB together are left as they are, and the hook still counts', async () => {
    // 29 labels, 16,269 bytes: room for the hook's 3 labels in count (32), not in size.
    const big = Object.fromEntries(Array.from({ length: 29 }, (_, i) => [`k${i}`, '語'.repeat(186)]));
    expect((await f.call({ method: 'POST', path: '/v1/agents/mine/heartbeat', body: { labels: big } })).status).toBe(200);
    const res = await hook('/v1/hooks/claude-code?agent=mine', { hook_event_name: 'UserPromptSubmit', session_id: 'x'.repeat(256), cwd: `/src/${'語'.repeat(150)}` });
    expect(res.status).toBe(200);
    const a = await agent('mine');
    expect(a.status).toBe('busy');
    expect(a.labels).toEqual(big);
  });
});
