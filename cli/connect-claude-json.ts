/**
 * The Claude Code side of `connect` as pure functions over the parsed
 * settings object: which entries are Fleet Monitor's, how they are merged in
 * and taken out again. The user's own entries are never reordered or
 * rewritten: merging only appends, updates our entries in place, or drops
 * duplicates of ours.
 *
 * Format: https://code.claude.com/docs/en/hooks (hooks, `type: "http"`,
 * `allowedEnvVars`) and https://code.claude.com/docs/en/statusline.
 */
import { isDeepStrictEqual } from 'node:util';
import { TOKEN_VARIABLE } from './connect-context';
import { isFleetCommand, shellCommand, type Invocation } from './connect-invocation';

/** A JSON value as JSON.parse gives it. */
export type Json = null | boolean | number | string | Json[] | JsonObject;
/** A JSON object (settings files are one). */
export interface JsonObject {
  [key: string]: Json;
}

/** The port's Claude Code hook endpoint, after FLEET_URL. */
export const CLAUDE_HOOK_PATH = '/v1/hooks/claude-code';
/**
 * The events that take an `http` hook: those the port maps, and long-known
 * others that keep a working session beating (subagents, compaction).
 */
export const CLAUDE_HTTP_EVENTS = [
  'UserPromptSubmit',
  'PreToolUse',
  'PostToolUse',
  'PostToolUseFailure',
  'PermissionRequest',
  'Notification',
  'Stop',
  'StopFailure',
  'SubagentStart',
  'SubagentStop',
  'PreCompact',
  'SessionEnd',
] as const;
/** SessionStart takes only command hooks: `fleet-monitor hook claude-code` posts its stdin. */
export const CLAUDE_COMMAND_EVENT = 'SessionStart';
/** fleet-monitor's arguments in the SessionStart hook, and in the status line. */
export const HOOK_ARGS = ['hook', 'claude-code'] as const;
export const STATUSLINE_ARGS = ['statusline'] as const;
// A local port answers in milliseconds; a hung one must not hold up a tool call (the default is 10 minutes).
const HTTP_TIMEOUT_S = 2;
/**
 * Claude Code runs the status line on every update, and also this often
 * (seconds; Claude Code 2.1.97+): each run is a heartbeat, so a session that
 * waits for its operator, or runs one long tool, is not taken for offline.
 */
export const STATUSLINE_REFRESH_S = 30;
const COMMAND_TIMEOUT_S = 10;

/**
 * Our http hook's headers: the token, and `Prefer: return=minimal`, so the
 * port answers a bare 204 (Claude Code takes an empty 2xx as success with no
 * output, which is what the port's `{}` says anyway).
 */
const HTTP_HOOK_HEADERS = { Authorization: `Bearer $${TOKEN_VARIABLE}`, Prefer: 'return=minimal' };
/** The headers of the http hooks earlier versions wrote: still ours, to update or remove. */
const EARLIER_HTTP_HOOK_HEADERS = [{ Authorization: `Bearer $${TOKEN_VARIABLE}` }];

/** Our three kinds of entry, as they are written. */
export interface ClaudeEntries {
  readonly http: JsonObject;
  readonly command: JsonObject;
  readonly statusLine: JsonObject;
}

/** The entries for a port at `fleetUrl` (no trailing slash needed), run through `invocation`. */
export function claudeEntries(fleetUrl: string, invocation: Invocation): ClaudeEntries {
  return {
    http: {
      type: 'http',
      url: `${fleetUrl.replace(/\/+$/, '')}${CLAUDE_HOOK_PATH}`,
      headers: HTTP_HOOK_HEADERS,
      allowedEnvVars: [TOKEN_VARIABLE],
      timeout: HTTP_TIMEOUT_S,
    },
    command: { type: 'command', command: shellCommand(invocation, HOOK_ARGS), timeout: COMMAND_TIMEOUT_S },
    statusLine: { type: 'command', command: shellCommand(invocation, STATUSLINE_ARGS), refreshInterval: STATUSLINE_REFRESH_S },
  };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKeys(value: JsonObject, allowed: readonly string[]): boolean {
  return Object.keys(value).every((key) => allowed.includes(key));
}

/**
 * An http hook we wrote: to `…/v1/hooks/claude-code` of any port, with exactly
 * our header and variable and nothing of the user's added. One with a literal
 * token, other headers or a query is the user's, however alike.
 */
export function isOurHttpHook(value: unknown): boolean {
  if (!isObject(value) || value.type !== 'http' || typeof value.url !== 'string') return false;
  if (!onlyKeys(value, ['type', 'url', 'headers', 'allowedEnvVars', 'timeout'])) return false;
  let url: URL;
  try {
    url = new URL(value.url);
  } catch {
    return false;
  }
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.search === '' &&
    url.hash === '' &&
    url.pathname.endsWith(CLAUDE_HOOK_PATH) &&
    [HTTP_HOOK_HEADERS, ...EARLIER_HTTP_HOOK_HEADERS].some((ours) => isDeepStrictEqual(value.headers, ours)) &&
    isDeepStrictEqual(value.allowedEnvVars, [TOKEN_VARIABLE])
  );
}

/** A command hook we wrote: `fleet-monitor hook claude-code` (either invocation), nothing else. */
export function isOurCommandHook(value: unknown): boolean {
  return isObject(value) && value.type === 'command' && onlyKeys(value, ['type', 'command', 'timeout']) && isFleetCommand(value.command, HOOK_ARGS);
}

/** A status line we wrote: `fleet-monitor statusline` (either invocation). */
export function isOurStatusLine(value: unknown): boolean {
  return isObject(value) && value.type === 'command' && onlyKeys(value, ['type', 'command', 'padding', 'refreshInterval']) && isFleetCommand(value.command, STATUSLINE_ARGS);
}

function isOurHook(value: unknown): boolean {
  return isOurHttpHook(value) || isOurCommandHook(value);
}

/** Where the status line stands, for the report. */
export type StatusLineOutcome =
  | { readonly kind: 'added' | 'updated' | 'present' }
  /** The user has one (in this file, or `where` another file that applies): left as it is. */
  | { readonly kind: 'kept'; readonly where: 'here' | string; readonly command: string }
  /** Ours is already set in another file that applies. */
  | { readonly kind: 'elsewhere'; readonly where: string };

/** The merged settings, which events got ours added or updated, and what became of the status line. */
export interface MergeResult {
  readonly settings: JsonObject;
  readonly added: readonly string[];
  readonly updated: readonly string[];
  readonly statusLine: StatusLineOutcome;
}

/** A status line set in another settings file that also applies (user settings, for a project). */
export interface OtherStatusLine {
  readonly file: string;
  readonly value: Json;
}

/**
 * Merges our entries into `settings` (not modified). Per event: an entry of
 * ours is updated in place when it differs (a new URL or install), extra
 * copies of ours are dropped, and when there is none a group with ours is
 * appended after the user's. Throws on a shape Claude Code would not read.
 */
export function mergeClaudeSettings(settings: JsonObject, entries: ClaudeEntries, otherStatusLines: readonly OtherStatusLine[] = []): MergeResult {
  const hooks = settings.hooks === undefined ? {} : settings.hooks;
  if (!isObject(hooks)) throw new Error('"hooks" is not an object');
  const nextHooks: JsonObject = { ...hooks };
  const added: string[] = [];
  const updated: string[] = [];
  const wanted: Array<[string, JsonObject, (value: unknown) => boolean]> = [
    [CLAUDE_COMMAND_EVENT, entries.command, isOurCommandHook],
    ...CLAUDE_HTTP_EVENTS.map((event): [string, JsonObject, (value: unknown) => boolean] => [event, entries.http, isOurHttpHook]),
  ];
  for (const [event, entry, isOurs] of wanted) {
    const groups = hooks[event] === undefined ? [] : hooks[event];
    if (!Array.isArray(groups)) throw new Error(`"hooks.${event}" is not a list`);
    const result = upsert(groups, entry, isOurs);
    if (result.change === 'none') continue;
    nextHooks[event] = result.groups;
    (result.change === 'added' ? added : updated).push(event);
  }
  const next: JsonObject = { ...settings };
  if (added.length > 0 || updated.length > 0) next.hooks = nextHooks;
  const statusLine = mergeStatusLine(next, entries.statusLine, otherStatusLines);
  return { settings: next, added, updated, statusLine };
}

function upsert(groups: readonly Json[], entry: JsonObject, isOurs: (value: unknown) => boolean): { groups: Json[]; change: 'none' | 'added' | 'updated' } {
  let found = false;
  let change: 'none' | 'updated' = 'none';
  const next: Json[] = [];
  for (const group of groups) {
    if (!isObject(group) || !Array.isArray(group.hooks)) {
      next.push(group);
      continue;
    }
    const handlers: Json[] = [];
    let touched = false;
    for (const handler of group.hooks) {
      if (!isOurs(handler)) {
        handlers.push(handler);
      } else if (found) {
        touched = true; // A second copy of ours would post every event twice.
      } else {
        found = true;
        if (isDeepStrictEqual(handler, entry)) handlers.push(handler);
        else {
          handlers.push(entry);
          touched = true;
        }
      }
    }
    if (!touched) next.push(group);
    else {
      change = 'updated';
      if (handlers.length > 0) next.push({ ...group, hooks: handlers });
    }
  }
  if (!found) return { groups: [...next, { hooks: [entry] }], change: 'added' };
  return { groups: next, change };
}

function mergeStatusLine(next: JsonObject, ours: JsonObject, others: readonly OtherStatusLine[]): StatusLineOutcome {
  const current = next.statusLine;
  if (current !== undefined) {
    if (!isOurStatusLine(current)) return { kind: 'kept', where: 'here', command: describeStatusLine(current) };
    if (isDeepStrictEqual(current, ours)) return { kind: 'present' };
    next.statusLine = ours;
    return { kind: 'updated' };
  }
  const theirs = others.find((other) => other.value !== undefined && !isOurStatusLine(other.value));
  if (theirs) return { kind: 'kept', where: theirs.file, command: describeStatusLine(theirs.value) };
  const oursElsewhere = others.find((other) => isOurStatusLine(other.value));
  if (oursElsewhere) return { kind: 'elsewhere', where: oursElsewhere.file };
  next.statusLine = ours;
  return { kind: 'added' };
}

function describeStatusLine(value: Json): string {
  return isObject(value) && typeof value.command === 'string' ? value.command : JSON.stringify(value);
}

/** The settings without ours, and what was taken out. */
export interface RemoveResult {
  readonly settings: JsonObject;
  /** Events an entry of ours was removed from. */
  readonly events: readonly string[];
  readonly statusLine: boolean;
}

/**
 * Takes every entry of ours out of `settings` (not modified), wherever it
 * is. A group, event list or `hooks` object that held only ours goes with
 * it; one the user had left empty stays.
 */
export function removeClaudeSettings(settings: JsonObject): RemoveResult {
  const next: JsonObject = { ...settings };
  const events: string[] = [];
  const hooks = settings.hooks;
  if (isObject(hooks)) {
    const nextHooks: JsonObject = {};
    for (const [event, groups] of Object.entries(hooks)) {
      if (!Array.isArray(groups)) {
        nextHooks[event] = groups;
        continue;
      }
      const kept: Json[] = [];
      let removed = false;
      for (const group of groups) {
        if (!isObject(group) || !Array.isArray(group.hooks) || !group.hooks.some(isOurHook)) {
          kept.push(group);
          continue;
        }
        removed = true;
        const handlers = group.hooks.filter((handler) => !isOurHook(handler));
        if (handlers.length > 0) kept.push({ ...group, hooks: handlers });
      }
      if (removed) events.push(event);
      if (!removed || kept.length > 0) nextHooks[event] = kept;
    }
    if (events.length > 0) {
      if (Object.keys(nextHooks).length > 0) next.hooks = nextHooks;
      else delete next.hooks;
    }
  }
  const statusLine = isOurStatusLine(settings.statusLine);
  if (statusLine) delete next.statusLine;
  return { settings: next, events, statusLine };
}

/** Parses a settings file's text: an object, or a clear error. An empty file is `{}`. */
export function parseSettings(text: string | undefined, file: string): JsonObject {
  if (text === undefined || text.replace(/^\uFEFF/, '').trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${error instanceof Error ? error.message : error}); fix it first, nothing was changed`);
  }
  if (!isObject(value)) throw new Error(`${file} does not hold a JSON object; fix it first, nothing was changed`);
  return value;
}

/** Serializes settings as the file had them: its indentation and line ends, and a final newline. */
export function formatSettings(settings: JsonObject, previous: string | undefined): string {
  const indent = previous?.match(/^([ \t]+)\S/m)?.[1] ?? '  ';
  const text = `${JSON.stringify(settings, null, indent)}\n`;
  return previous?.includes('\r\n') ? text.replace(/\n/g, '\r\n') : text;
}
