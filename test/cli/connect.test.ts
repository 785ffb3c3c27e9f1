import fs from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { runConnect, runDisconnect } from '../../cli/connect-command';
import { findSelfBin, resolveInvocation, shellQuote, splitShellWords } from '../../cli/connect-invocation';
import { tomlData } from '../../cli/connect-toml';
import { useTempDir } from '../support/temp-dir';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const STAMP = '20260101T120000Z';
const URL = 'http://127.0.0.1:7421/v1/hooks/claude-code';
const HTTP_EVENTS = ['UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'PermissionRequest', 'Notification', 'Stop', 'StopFailure', 'SubagentStart', 'SubagentStop', 'PreCompact', 'SessionEnd'];
const OUR_HTTP = {
  type: 'http',
  url: URL,
  headers: { Authorization: 'Bearer $FLEET_AGENT_TOKEN', Prefer: 'return=minimal' },
  allowedEnvVars: ['FLEET_AGENT_TOKEN'],
  timeout: 2,
};
const OUR_COMMAND = { type: 'command', command: 'fleet-monitor hook claude-code', timeout: 10 };
const OUR_STATUS_LINE = { type: 'command', command: 'fleet-monitor statusline', refreshInterval: 30 };

/** A user's settings: their own hooks (some look like ours but are not), a status line and other keys. */
const USER_SETTINGS = {
  model: 'opus',
  permissions: { allow: ['Bash(npm test)'] },
  hooks: {
    PreToolUse: [
      { matcher: 'Bash', hooks: [{ type: 'command', command: '~/bin/guard.sh', timeout: 30 }] },
      { matcher: 'Edit|Write', hooks: [{ type: 'command', command: 'echo edit >> ~/edits.log' }] },
    ],
    Stop: [{ hooks: [{ type: 'http', url: URL, headers: { Authorization: 'Bearer literal-token' } }] }],
    SessionStart: [{ matcher: 'startup', hooks: [{ type: 'command', command: 'fleet-monitor hook claude-code --verbose' }] }],
  },
  statusLine: { type: 'command', command: '~/.claude/statusline.sh', padding: 0 },
};

interface Run {
  code: number;
  stdout: string[];
  stderr: string[];
}

function setup(tempDir: () => string) {
  const home = tempDir();
  const env: Record<string, string | undefined> = { PATH: '' };
  const io = (stdout: string[], stderr: string[]) => ({
    stdout: (l: string) => stdout.push(l),
    stderr: (l: string) => stderr.push(l),
    home,
    cwd: home,
    now: () => NOW,
    execPath: '/usr/local/bin/node',
    selfBin: '/opt/fleet monitor/bin/fleet-monitor.js',
  });
  const call = async (fn: typeof runConnect, args: string[], extraEnv: Record<string, string> = {}): Promise<Run> => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await fn(args, { ...env, ...extraEnv }, io(stdout, stderr));
    return { code, stdout, stderr };
  };
  const settingsFile = path.join(home, '.claude', 'settings.json');
  return {
    home,
    settingsFile,
    connect: (args: string[], extraEnv?: Record<string, string>) => call(runConnect, args, extraEnv),
    disconnect: (args: string[], extraEnv?: Record<string, string>) => call(runDisconnect, args, extraEnv),
    writeSettings(value: unknown, file = settingsFile, mode = 0o644) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n', { mode });
      fs.chmodSync(file, mode);
    },
    readJson: (file = settingsFile) => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>,
    backups: (file = settingsFile) => fs.readdirSync(path.dirname(file)).filter((name) => name.startsWith(`${path.basename(file)}.bak-`)),
  };
}

function mode(file: string): number {
  return fs.statSync(file).mode & 0o777;
}

type Groups = Array<{ matcher?: string; hooks: unknown[] }>;

describe('fleet-monitor connect claude-code', () => {
  const tempDir = useTempDir('fleet-connect-');

  it('merges into the user settings: their hooks first, unchanged and in order, ours after; their status line kept', async () => {
    const t = setup(tempDir);
    t.writeSettings(USER_SETTINGS);
    const before = fs.readFileSync(t.settingsFile, 'utf8');

    const run = await t.connect(['claude-code', '--invoke', 'path'], { FLEET_AGENT_TOKEN: 'secret-agent-token' });
    expect(run.code).toBe(0);
    expect(run.stderr).toEqual([]);

    const after = t.readJson();
    const hooks = after.hooks as Record<string, Groups>;
    expect(after.model).toBe('opus');
    expect(after.permissions).toEqual(USER_SETTINGS.permissions);
    expect(after.statusLine).toEqual(USER_SETTINGS.statusLine);
    expect(Object.keys(after)).toEqual(['model', 'permissions', 'hooks', 'statusLine']);
    // The user's events keep their place; ours come after them.
    expect(Object.keys(hooks)).toEqual(['PreToolUse', 'Stop', 'SessionStart', ...HTTP_EVENTS.filter((e) => e !== 'PreToolUse' && e !== 'Stop')]);
    for (const [event, groups] of Object.entries(USER_SETTINGS.hooks)) {
      expect(hooks[event]!.slice(0, groups.length)).toEqual(groups);
      expect(hooks[event]!.slice(groups.length)).toEqual([{ hooks: [event === 'SessionStart' ? OUR_COMMAND : OUR_HTTP] }]);
    }
    for (const event of HTTP_EVENTS) expect(hooks[event]!.at(-1)).toEqual({ hooks: [OUR_HTTP] });
    expect(hooks.SessionStart!.at(-1)).toEqual({ hooks: [OUR_COMMAND] });

    // The token stays in the environment; the backup holds the old bytes with the old mode.
    expect(fs.readFileSync(t.settingsFile, 'utf8')).not.toContain('secret-agent-token');
    const backup = `${t.settingsFile}.bak-${STAMP}`;
    expect(fs.readFileSync(backup, 'utf8')).toBe(before);
    expect(mode(backup)).toBe(0o644);
    expect(run.stdout).toContain(`Claude Code: wrote ${t.settingsFile} (backup: ${backup}).`);
    expect(run.stdout).toContain('  status line: yours is kept (~/.claude/statusline.sh, in ' + t.settingsFile + ').');
    expect(run.stdout).toContain(`  To show Fleet Monitor's instead, put {"statusLine":{"type":"command","command":"fleet-monitor statusline","refreshInterval":30}} in ${t.settingsFile}.`);
    expect(run.stdout).toContain('  export FLEET_AGENT_TOKEN=<the agent token>');
  });

  it('is idempotent: a second run changes nothing and makes no backup', async () => {
    const t = setup(tempDir);
    t.writeSettings(USER_SETTINGS);
    expect((await t.connect(['claude-code', '--invoke', 'path'])).code).toBe(0);
    const once = fs.readFileSync(t.settingsFile, 'utf8');
    const again = await t.connect(['claude-code', '--invoke', 'path']);
    expect(again.code).toBe(0);
    expect(again.stdout[0]).toBe(`Claude Code: ${t.settingsFile} already has Fleet Monitor's hooks; nothing changed.`);
    expect(fs.readFileSync(t.settingsFile, 'utf8')).toBe(once);
    expect(t.backups()).toEqual([`settings.json.bak-${STAMP}`]);
  });

  it('creates a missing settings file with mode 0600, our hooks and our status line; disconnect removes it again', async () => {
    const t = setup(tempDir);
    const run = await t.connect(['claude-code', '--invoke', 'path']);
    expect(run.code).toBe(0);
    expect(mode(t.settingsFile)).toBe(0o600);
    expect(t.backups()).toEqual([]);
    expect(t.readJson()).toEqual({
      hooks: { SessionStart: [{ hooks: [OUR_COMMAND] }], ...Object.fromEntries(HTTP_EVENTS.map((e) => [e, [{ hooks: [OUR_HTTP] }]])) },
      statusLine: OUR_STATUS_LINE,
    });
    expect(run.stdout).toContain('  status line: fleet-monitor statusline');

    const off = await t.disconnect(['claude-code']);
    expect(off.code).toBe(0);
    // As the user had it: no file, and no ~/.claude that connect had to create.
    expect(fs.existsSync(path.dirname(t.settingsFile))).toBe(false);
    expect(off.stdout[0]).toContain(`removed ${t.settingsFile}, which held only Fleet Monitor's`);
  });

  it('--print shows the JSON it would write and changes nothing', async () => {
    const t = setup(tempDir);
    t.writeSettings(USER_SETTINGS);
    const before = fs.readFileSync(t.settingsFile, 'utf8');
    const printed = await t.connect(['claude-code', '--print', '--invoke', 'path']);
    expect(printed.code).toBe(0);
    expect(fs.readFileSync(t.settingsFile, 'utf8')).toBe(before);
    expect(t.backups()).toEqual([]);
    await t.connect(['claude-code', '--invoke', 'path']);
    expect(printed.stdout.join('\n') + '\n').toBe(fs.readFileSync(t.settingsFile, 'utf8'));
    expect(printed.stderr).toEqual([`(not written: ${t.settingsFile})`]);

    const fresh = setup(tempDir);
    expect((await fresh.connect(['claude-code', '--print'])).code).toBe(0);
    expect(fs.existsSync(path.join(fresh.home, '.claude'))).toBe(false);
  });

  it('--project DIR writes DIR/.claude/settings.local.json and leaves the user settings alone', async () => {
    const t = setup(tempDir);
    const project = path.join(t.home, 'src', 'api');
    fs.mkdirSync(project, { recursive: true });
    t.writeSettings({ statusLine: { type: 'command', command: 'my-line' } });
    const userBefore = fs.readFileSync(t.settingsFile, 'utf8');

    const run = await t.connect(['claude-code', '--project', 'src/api', '--invoke', 'path']);
    expect(run.code).toBe(0);
    const local = path.join(project, '.claude', 'settings.local.json');
    expect(mode(local)).toBe(0o600);
    const written = t.readJson(local);
    expect((written.hooks as Record<string, Groups>).Stop).toEqual([{ hooks: [OUR_HTTP] }]);
    // The user's status line applies to the project too: a local one would hide it.
    expect(written.statusLine).toBeUndefined();
    expect(run.stdout).toContain(`  status line: yours is kept (my-line, in ${t.settingsFile}).`);
    expect(fs.readFileSync(t.settingsFile, 'utf8')).toBe(userBefore);

    expect((await t.disconnect(['claude-code', '--project', project])).code).toBe(0);
    expect(fs.readdirSync(project)).toEqual([]);
    expect(fs.readFileSync(t.settingsFile, 'utf8')).toBe(userBefore);
  });

  it('disconnect removes exactly ours: the user’s entries, look-alikes and other keys survive', async () => {
    const t = setup(tempDir);
    t.writeSettings(USER_SETTINGS);
    await t.connect(['claude-code', '--invoke', 'path']);
    const connected = fs.readFileSync(t.settingsFile, 'utf8');

    const off = await t.disconnect(['claude-code']);
    expect(off.code).toBe(0);
    expect(t.readJson()).toEqual(USER_SETTINGS);
    expect(fs.readFileSync(`${t.settingsFile}.bak-${STAMP}-1`, 'utf8')).toBe(connected);
    expect(off.stdout[0]).toMatch(/^Claude Code: removed Fleet Monitor's hooks \(PreToolUse, Stop, SessionStart, UserPromptSubmit, .*\) from /);

    const again = await t.disconnect(['claude-code']);
    expect(again.stdout).toEqual([`Claude Code: ${t.settingsFile} has no Fleet Monitor hooks; nothing changed.`]);
  });

  it('disconnect removes our status line, and a user’s http hook with our URL but its own header stays', async () => {
    const t = setup(tempDir);
    t.writeSettings({ theme: 'dark' });
    await t.connect(['claude-code', '--invoke', 'path']);
    const settings = t.readJson();
    (settings.hooks as Record<string, Groups>).Stop!.unshift({ hooks: [{ ...OUR_HTTP, headers: { Authorization: 'Bearer $OTHER' } }] });
    t.writeSettings(settings);

    await t.disconnect(['claude-code']);
    expect(t.readJson()).toEqual({ theme: 'dark', hooks: { Stop: [{ hooks: [{ ...OUR_HTTP, headers: { Authorization: 'Bearer $OTHER' } }] }] } });
  });

  it('refuses a settings file that is not valid JSON and leaves it untouched', async () => {
    const t = setup(tempDir);
    fs.mkdirSync(path.dirname(t.settingsFile), { recursive: true });
    fs.writeFileSync(t.settingsFile, '{"hooks": {,}');
    for (const run of [await t.connect(['claude-code']), await t.disconnect(['claude-code'])]) {
      expect(run.code).toBe(1);
      expect(run.stderr).toHaveLength(1);
      expect(run.stderr[0]).toMatch(new RegExp(`^fleet-monitor: ${t.settingsFile.replace(/[.\\]/g, '\\$&')} is not valid JSON \\(.*\\); fix it first, nothing was changed$`));
    }
    expect(fs.readFileSync(t.settingsFile, 'utf8')).toBe('{"hooks": {,}');
    expect(t.backups()).toEqual([]);

    fs.writeFileSync(t.settingsFile, '{"hooks": {"Stop": {"type": "http"}}}');
    expect((await t.connect(['claude-code'])).stderr).toEqual([
      `fleet-monitor: ${t.settingsFile}: "hooks.Stop" is not a list, which Claude Code cannot read; fix it first, nothing was changed`,
    ]);
    expect(fs.readFileSync(t.settingsFile, 'utf8')).toBe('{"hooks": {"Stop": {"type": "http"}}}');
  });

  it('keeps the mode of an existing file and its indentation', async () => {
    const t = setup(tempDir);
    fs.mkdirSync(path.dirname(t.settingsFile), { recursive: true });
    fs.writeFileSync(t.settingsFile, '{\n    "model": "opus"\n}\n');
    fs.chmodSync(t.settingsFile, 0o640);
    await t.connect(['claude-code', '--invoke', 'path']);
    expect(mode(t.settingsFile)).toBe(0o640);
    expect(mode(`${t.settingsFile}.bak-${STAMP}`)).toBe(0o640);
    expect(fs.readFileSync(t.settingsFile, 'utf8')).toMatch(/^\{\n {4}"model": "opus",\n {4}"hooks": \{\n {8}"SessionStart"/);
  });

  it('edits the target of a symlinked settings file and keeps the link', async () => {
    const t = setup(tempDir);
    const dotfiles = path.join(t.home, 'dotfiles', 'claude-settings.json');
    t.writeSettings({ model: 'opus' }, dotfiles);
    fs.mkdirSync(path.dirname(t.settingsFile), { recursive: true });
    fs.symlinkSync(dotfiles, t.settingsFile);
    await t.connect(['claude-code', '--invoke', 'path']);
    expect(fs.lstatSync(t.settingsFile).isSymbolicLink()).toBe(true);
    expect(t.readJson(dotfiles).hooks).toBeDefined();
    expect(fs.readFileSync(`${t.settingsFile}.bak-${STAMP}`, 'utf8')).toBe(JSON.stringify({ model: 'opus' }, null, 2) + '\n');
    expect(fs.readdirSync(path.dirname(dotfiles))).toEqual(['claude-settings.json']);

    await t.disconnect(['claude-code']);
    expect(fs.lstatSync(t.settingsFile).isSymbolicLink()).toBe(true);
    expect(t.readJson(dotfiles)).toEqual({ model: 'opus' });
  });

  it('a new URL or install updates our entries in place instead of adding more', async () => {
    const t = setup(tempDir);
    t.writeSettings(USER_SETTINGS);
    await t.connect(['claude-code', '--invoke', 'path']);
    const run = await t.connect(['claude-code', '--invoke', 'absolute', '--url', 'http://127.0.0.1:9000/']);
    expect(run.code).toBe(0);
    const hooks = t.readJson().hooks as Record<string, Groups>;
    const url = 'http://127.0.0.1:9000/v1/hooks/claude-code';
    expect(hooks.PreToolUse).toEqual([...USER_SETTINGS.hooks.PreToolUse, { hooks: [{ ...OUR_HTTP, url }] }]);
    const command = `/usr/local/bin/node '/opt/fleet monitor/bin/fleet-monitor.js' hook claude-code`;
    expect(hooks.SessionStart).toEqual([...USER_SETTINGS.hooks.SessionStart, { hooks: [{ ...OUR_COMMAND, command }] }]);
    expect(run.stdout).toContain('  export FLEET_AGENT_TOKEN=<the agent token>; export FLEET_URL=http://127.0.0.1:9000');

    // Both forms are ours to remove.
    await t.disconnect(['claude-code']);
    expect(t.readJson()).toEqual(USER_SETTINGS);
  });

  it('an http hook an earlier version wrote (no Prefer header) is ours: connect updates it in place, disconnect removes it', async () => {
    const t = setup(tempDir);
    t.writeSettings(USER_SETTINGS);
    await t.connect(['claude-code', '--invoke', 'path']);
    const settings = t.readJson();
    const earlier = { ...OUR_HTTP, headers: { Authorization: 'Bearer $FLEET_AGENT_TOKEN' } };
    for (const groups of Object.values(settings.hooks as Record<string, Groups>)) {
      for (const group of groups) group.hooks = group.hooks.map((h) => (isDeepStrictEqual(h, OUR_HTTP) ? earlier : h));
    }
    t.writeSettings(settings);
    await t.connect(['claude-code', '--invoke', 'path']);
    const hooks = t.readJson().hooks as Record<string, Groups>;
    expect(hooks.PreToolUse).toEqual([...USER_SETTINGS.hooks.PreToolUse, { hooks: [OUR_HTTP] }]);
    t.writeSettings(settings);
    await t.disconnect(['claude-code']);
    expect(t.readJson()).toEqual(USER_SETTINGS);
  });

  it('usage errors exit 2 with one line', async () => {
    const t = setup(tempDir);
    const cases: Array<[string[], string]> = [
      [[], "fleet-monitor: 'connect' needs an agent: claude-code or codex; see --help"],
      [['gemini'], "fleet-monitor: unknown agent 'gemini': expected claude-code or codex"],
      [['claude-code', '--user', '--project', '.'], 'fleet-monitor: give --user or --project DIR, not both'],
      [['codex', '--project', '.'], 'fleet-monitor: codex has one config (~/.codex/config.toml): no --user or --project'],
      [['claude-code', '--url', 'ftp://x'], "fleet-monitor: --url must be an http(s) URL like http://127.0.0.1:7421, without query or credentials (got 'ftp://x')"],
      [['claude-code', '--invoke', 'npx'], "fleet-monitor: --invoke must be one of auto, path, absolute (got 'npx')"],
    ];
    for (const [args, message] of cases) expect(await t.connect(args)).toEqual({ code: 2, stdout: [], stderr: [message] });
    expect((await t.connect(['claude-code', '--project', 'nowhere'])).stderr).toEqual(['fleet-monitor: --project nowhere: no such directory']);
  });
});

const CODEX_CONFIG = `# Codex settings
model = "gpt-5-codex"
approval_policy = "on-request"

# Servers Codex may call
[mcp_servers.docs]
command = "npx"
args = ["-y", "docs-mcp"]

[profiles.fast]
model = "gpt-5-mini" # the quick one
`;

/** CODEX_CONFIG with our line after the last top-level key, above the comment that heads the first table. */
const CODEX_WITH_OURS = CODEX_CONFIG.replace('approval_policy = "on-request"\n', 'approval_policy = "on-request"\nnotify = ["fleet-monitor", "hook", "codex"]\n');

describe('fleet-monitor connect codex', () => {
  const tempDir = useTempDir('fleet-connect-');

  const configOf = (home: string) => path.join(home, '.codex', 'config.toml');
  const writeConfig = (home: string, text: string) => {
    fs.mkdirSync(path.join(home, '.codex'), { recursive: true });
    fs.writeFileSync(configOf(home), text, { mode: 0o644 });
  };

  it('adds a top-level notify line before the first table, keeping comments, order and every other key', async () => {
    const t = setup(tempDir);
    writeConfig(t.home, CODEX_CONFIG);
    const run = await t.connect(['codex', '--invoke', 'path']);
    expect(run.code).toBe(0);
    const text = fs.readFileSync(configOf(t.home), 'utf8');
    expect(text).toBe(CODEX_WITH_OURS);
    expect(tomlData(parseToml(text))).toEqual({ ...(tomlData(parseToml(CODEX_CONFIG)) as object), notify: ['fleet-monitor', 'hook', 'codex'] });
    expect(fs.readFileSync(`${configOf(t.home)}.bak-${STAMP}`, 'utf8')).toBe(CODEX_CONFIG);
    expect(mode(configOf(t.home))).toBe(0o644);
    expect(run.stdout[0]).toBe(`Codex: wrote ${configOf(t.home)} (backup: ${configOf(t.home)}.bak-${STAMP}): notify = ["fleet-monitor", "hook", "codex"]`);
    expect(run.stdout).toContain('  export FLEET_AGENT_TOKEN=<the agent token>');

    const again = await t.connect(['codex', '--invoke', 'path']);
    expect(again.stdout[0]).toBe(`Codex: ${configOf(t.home)} already runs Fleet Monitor on every turn; nothing changed.`);
    expect(fs.readFileSync(configOf(t.home), 'utf8')).toBe(text);

    const off = await t.disconnect(['codex']);
    expect(off.code).toBe(0);
    expect(fs.readFileSync(configOf(t.home), 'utf8')).toBe(CODEX_CONFIG);
  });

  it('leaves a notify of the user’s alone and prints what to add', async () => {
    const t = setup(tempDir);
    const config = `notify = ["python3", "/home/me/notify.py"]\n${CODEX_CONFIG}`;
    writeConfig(t.home, config);
    const run = await t.connect(['codex', '--invoke', 'path']);
    expect(run.code).toBe(0);
    expect(fs.readFileSync(configOf(t.home), 'utf8')).toBe(config);
    expect(fs.readdirSync(path.join(t.home, '.codex'))).toEqual(['config.toml']);
    expect(run.stdout.slice(0, 3)).toEqual([
      `Codex: ${configOf(t.home)} already sets notify = ["python3","/home/me/notify.py"]; nothing changed (Codex runs one notify program).`,
      '  To use Fleet Monitor\'s instead, replace that line with: notify = ["fleet-monitor", "hook", "codex"]',
      '  To keep yours, have it also run: fleet-monitor hook codex <the JSON it gets as its last argument>',
    ]);

    const off = await t.disconnect(['codex']);
    expect(off.stdout).toEqual([`Codex: ${configOf(t.home)} sets notify = ["python3","/home/me/notify.py"], which is not Fleet Monitor's; nothing changed.`]);
    expect(fs.readFileSync(configOf(t.home), 'utf8')).toBe(config);
  });

  it('creates a missing config with mode 0600; disconnect removes the file it made', async () => {
    const t = setup(tempDir);
    expect((await t.connect(['codex', '--invoke', 'absolute'])).code).toBe(0);
    expect(fs.readFileSync(configOf(t.home), 'utf8')).toBe('notify = ["/usr/local/bin/node", "/opt/fleet monitor/bin/fleet-monitor.js", "hook", "codex"]\n');
    expect(mode(configOf(t.home))).toBe(0o600);
    await t.disconnect(['codex']);
    expect(fs.existsSync(path.join(t.home, '.codex'))).toBe(false);
  });

  it('updates a notify of ours from another invocation in place instead of doubling it', async () => {
    const t = setup(tempDir);
    writeConfig(t.home, CODEX_CONFIG);
    await t.connect(['codex', '--invoke', 'absolute']);
    await t.connect(['codex', '--invoke', 'path']);
    expect(fs.readFileSync(configOf(t.home), 'utf8')).toBe(CODEX_WITH_OURS);
    await t.disconnect(['codex']);
    expect(fs.readFileSync(configOf(t.home), 'utf8')).toBe(CODEX_CONFIG);
  });

  it('--print shows the TOML and changes nothing; invalid TOML is refused untouched', async () => {
    const t = setup(tempDir);
    writeConfig(t.home, CODEX_CONFIG);
    const printed = await t.connect(['codex', '--print', '--invoke', 'path']);
    expect(printed.stdout.join('\n')).toContain('notify = ["fleet-monitor", "hook", "codex"]\n\n# Servers');
    expect(fs.readFileSync(configOf(t.home), 'utf8')).toBe(CODEX_CONFIG);

    writeConfig(t.home, 'model = "o3"\n[tui\n');
    const run = await t.connect(['codex']);
    expect(run.code).toBe(1);
    expect(run.stderr[0]).toMatch(/is not valid TOML \(.*\); fix it first, nothing was changed$/);
    expect(fs.readFileSync(configOf(t.home), 'utf8')).toBe('model = "o3"\n[tui\n');
    expect(fs.readdirSync(path.join(t.home, '.codex'))).toEqual(['config.toml']);
  });

  it('is not fooled by a line that looks like a table inside a multi-line string, and honours CODEX_HOME', async () => {
    const t = setup(tempDir);
    const codexHome = path.join(t.home, 'codex-home');
    const config = 'developer_instructions = """\n[not a table]\n"""\n[tui]\nnotifications = true\n';
    fs.mkdirSync(codexHome);
    fs.writeFileSync(path.join(codexHome, 'config.toml'), config);
    expect((await t.connect(['codex', '--invoke', 'path'], { CODEX_HOME: codexHome })).code).toBe(0);
    const text = fs.readFileSync(path.join(codexHome, 'config.toml'), 'utf8');
    expect(tomlData(parseToml(text))).toEqual({ ...(tomlData(parseToml(config)) as object), notify: ['fleet-monitor', 'hook', 'codex'] });
    await t.disconnect(['codex'], { CODEX_HOME: codexHome });
    expect(fs.readFileSync(path.join(codexHome, 'config.toml'), 'utf8')).toBe(config);
    expect(fs.existsSync(path.join(t.home, '.codex'))).toBe(false);
  });
});

describe('TOML edits', () => {
  const tempDir = useTempDir('fleet-connect-');

  it('takes out a notify of ours written over several lines, and keeps CRLF line ends', async () => {
    const t = setup(tempDir);
    const file = path.join(t.home, '.codex', 'config.toml');
    fs.mkdirSync(path.dirname(file));
    const rest = 'model = "o3"\r\n\r\n[tui]\r\nnotifications = true\r\n';
    fs.writeFileSync(file, `notify = [\r\n  "fleet-monitor",\r\n  "hook", # ours\r\n  "codex",\r\n]\r\n${rest}`);
    await t.disconnect(['codex']);
    expect(fs.readFileSync(file, 'utf8')).toBe(rest);
    await t.connect(['codex', '--invoke', 'path']);
    expect(fs.readFileSync(file, 'utf8')).toBe('model = "o3"\r\nnotify = ["fleet-monitor", "hook", "codex"]\r\n\r\n[tui]\r\nnotifications = true\r\n');
  });
});

describe('how the hooks run fleet-monitor', () => {
  const tempDir = useTempDir('fleet-connect-');

  it('finds this install’s bin/fleet-monitor.js beside the code', () => {
    expect(findSelfBin(undefined, import.meta.url)).toBe(fs.realpathSync(path.join(__dirname, '..', '..', 'bin', 'fleet-monitor.js')));
  });

  it('auto is the name when PATH leads to this install, else the absolute paths', () => {
    const dir = tempDir();
    const selfBin = path.join(dir, 'lib', 'bin', 'fleet-monitor.js');
    fs.mkdirSync(path.dirname(selfBin), { recursive: true });
    fs.writeFileSync(selfBin, '', { mode: 0o755 });
    const binDir = path.join(dir, 'bin');
    fs.mkdirSync(binDir);
    const input = { mode: 'auto' as const, selfBin, execPath: '/usr/bin/node' };
    expect(resolveInvocation({ ...input, env: { PATH: binDir } })).toEqual({ kind: 'absolute', argv: ['/usr/bin/node', selfBin] });
    fs.symlinkSync(selfBin, path.join(binDir, 'fleet-monitor'));
    expect(resolveInvocation({ ...input, env: { PATH: binDir } })).toEqual({ kind: 'path', argv: ['fleet-monitor'] });
    expect(resolveInvocation({ ...input, mode: 'absolute', env: { PATH: binDir } }).kind).toBe('absolute');
  });
});

describe('shell words', () => {
  it('quotes what needs it and reads back what it wrote', () => {
    for (const words of [['fleet-monitor', 'hook', 'claude-code'], ['/usr/bin/node', "/it's here/bin/fleet-monitor.js", 'statusline'], ['C:\\Program Files\\nodejs\\node.exe']]) {
      expect(splitShellWords(words.map(shellQuote).join(' '))).toEqual(words);
    }
    expect(splitShellWords('fleet-monitor hook claude-code; rm -rf ~')).toBeUndefined();
    expect(splitShellWords('"$HOME/bin/fleet-monitor" statusline')).toBeUndefined();
  });
});
