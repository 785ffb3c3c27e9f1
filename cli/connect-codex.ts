/**
 * `fleet-monitor connect codex` / `disconnect codex`: sets Codex's `notify`
 * program in `~/.codex/config.toml` to `fleet-monitor hook codex` (Codex
 * appends the turn's JSON as the last argument), or, when the user already
 * has a notify program, changes nothing and says what to add. The file's text
 * is edited in place (see connect-toml.ts), so comments and order survive.
 *
 * Format: https://developers.openai.com/codex/config-reference (`notify`),
 * openai/codex codex-rs/hooks/src/legacy_notify.rs (how it is run).
 */
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { readSnapshot, removeFile, replaceFile } from './connect-files';
import { whatIsLeft } from './connect-advice';
import { isFleetArgv, type Invocation } from './connect-invocation';
import { insertTopLevelLine, parseToml, removeTopLevelKey, tomlArrayLine } from './connect-toml';
import type { ConnectContext, ConnectOutcome } from './connect-context';

/** Codex's top-level key, and fleet-monitor's arguments in it (Codex appends the JSON). */
export const NOTIFY_KEY = 'notify';
export const NOTIFY_ARGS = ['hook', 'codex'] as const;

/** The port (for the advice), how to run fleet-monitor, and whether only to show the plan. */
export interface CodexConnectOptions {
  readonly url: string;
  readonly invocation: Invocation;
  readonly print: boolean;
}

/** Codex's config file: `$CODEX_HOME/config.toml` (Codex honours CODEX_HOME), else `~/.codex/config.toml`. */
export function codexConfigPath(context: ConnectContext): string {
  const dir = context.env.CODEX_HOME ? path.resolve(context.cwd, context.env.CODEX_HOME) : path.join(context.home, '.codex');
  return path.join(dir, 'config.toml');
}

/** Whether a `notify` value is ours: `fleet-monitor hook codex`, by name or by absolute paths. */
export function isOurNotify(value: unknown): boolean {
  return Array.isArray(value) && isFleetArgv(value, NOTIFY_ARGS);
}

/** What connect would do to a config's text: add our notify, update ours, keep it, or leave the user's. */
export type CodexPlan =
  | { readonly kind: 'add' | 'update'; readonly text: string }
  | { readonly kind: 'present' }
  | { readonly kind: 'theirs'; readonly notify: unknown };

/** Plans connect on `text` (undefined: no file) for `argv`. Throws on invalid TOML or an edit that cannot be placed safely. */
export function planCodexConnect(text: string | undefined, argv: readonly string[], file: string): CodexPlan {
  const current = parseToml(text, file);
  const line = tomlArrayLine(NOTIFY_KEY, argv);
  const existing = current[NOTIFY_KEY];
  if (existing !== undefined && !isOurNotify(existing)) return { kind: 'theirs', notify: existing };
  if (existing !== undefined && isDeepStrictEqual(existing, argv)) return { kind: 'present' };
  if (existing !== undefined) {
    // Ours from another install or invocation: the same line, in the same place, now pointing here.
    const removed = removeTopLevelKey(text ?? '', NOTIFY_KEY);
    const next = removed && insertAt(removed.text, removed.at, line);
    if (next === undefined || !isDeepStrictEqual(parseToml(next, file), { ...current, [NOTIFY_KEY]: [...argv] })) throw cannotEdit(file, line);
    return { kind: 'update', text: next };
  }
  const next = insertTopLevelLine(text ?? '', NOTIFY_KEY, [...argv], line);
  if (next === undefined) throw cannotEdit(file, line);
  return { kind: 'add', text: next };
}

function insertAt(text: string, at: number, line: string): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  return [...lines.slice(0, at), line, ...lines.slice(at)].join(eol);
}

function cannotEdit(file: string, line: string): Error {
  return new Error(`cannot place notify in ${file} safely; nothing was changed. Add this line above its first [table]: ${line}`);
}

/** Connects Codex: sets our notify unless the user has one. */
export function connectCodex(context: ConnectContext, options: CodexConnectOptions): ConnectOutcome {
  const file = codexConfigPath(context);
  const snapshot = readSnapshot(file);
  const argv = [...options.invocation.argv, ...NOTIFY_ARGS];
  const line = tomlArrayLine(NOTIFY_KEY, argv);
  const plan = planCodexConnect(snapshot.text, argv, file);
  const text = plan.kind === 'add' || plan.kind === 'update' ? plan.text : (snapshot.text ?? '');
  const changed = plan.kind === 'add' || plan.kind === 'update';
  if (options.print) return { file, text, changed, written: false, lines: [plan.kind === 'theirs' ? `(unchanged: ${file} has its own notify)` : `(not written: ${file})`] };
  if (plan.kind === 'theirs') {
    return {
      file,
      text,
      changed: false,
      written: false,
      lines: [
        `Codex: ${file} already sets notify = ${JSON.stringify(plan.notify)}; nothing changed (Codex runs one notify program).`,
        `  To use Fleet Monitor's instead, replace that line with: ${line}`,
        `  To keep yours, have it also run: ${argv.join(' ')} <the JSON it gets as its last argument>`,
        ...whatIsLeft(context, options, 'Codex'),
      ],
    };
  }
  const backup = changed ? replaceFile(snapshot, text, context.now()) : undefined;
  const head =
    plan.kind === 'present'
      ? `Codex: ${file} already runs Fleet Monitor on every turn; nothing changed.`
      : `Codex: wrote ${file}${backup ? ` (backup: ${backup})` : ` (new file, mode ${snapshot.mode.toString(8)})`}: ${line}`;
  return { file, text, changed, written: changed, ...(backup ? { backup } : {}), lines: [head, ...whatIsLeft(context, options, 'Codex')] };
}

/** Disconnects Codex: removes notify if it is ours; a file that held only it is removed. */
export function disconnectCodex(context: ConnectContext, options: { readonly print: boolean }): ConnectOutcome {
  const file = codexConfigPath(context);
  const snapshot = readSnapshot(file);
  const current = parseToml(snapshot.text, file);
  const existing = current[NOTIFY_KEY];
  if (!isOurNotify(existing)) {
    const why = existing === undefined ? 'sets no notify' : `sets notify = ${JSON.stringify(existing)}, which is not Fleet Monitor's`;
    return { file, text: snapshot.text ?? '', changed: false, written: false, lines: [`Codex: ${file} ${why}; nothing changed.`] };
  }
  const removed = removeTopLevelKey(snapshot.text ?? '', NOTIFY_KEY);
  if (!removed) throw new Error(`cannot take notify out of ${file} safely; nothing was changed. Remove its notify line yourself.`);
  const removeWhole = removed.text.trim() === '' && !snapshot.linked;
  const text = removeWhole ? '' : removed.text;
  if (options.print) return { file, text, changed: true, written: false, lines: [removeWhole ? `(not removed: ${file}, which would go as it holds only Fleet Monitor's notify)` : `(not written: ${file})`] };
  // A file that held only our line goes, as it was before connect made it; a copy of it would hold nothing of the user's.
  const backup = removeWhole ? removeFile(snapshot, context.now(), false) : replaceFile(snapshot, text, context.now());
  const lines = removeWhole
    ? [`Codex: removed ${file}, which held only Fleet Monitor's notify.`]
    : [`Codex: removed Fleet Monitor's notify from ${file} (backup: ${backup}).`];
  return { file, text, changed: true, written: true, ...(backup ? { backup } : {}), lines };
}
