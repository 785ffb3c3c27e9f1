/**
 * `fleet-monitor connect claude-code` / `disconnect claude-code`: puts
 * Fleet Monitor's hooks and status line into Claude Code's settings
 * (`~/.claude/settings.json`, or a project's `.claude/settings.local.json`)
 * and takes exactly those out again. The token stays in the environment:
 * the hooks name `$FLEET_AGENT_TOKEN`, which Claude Code fills in.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { readSnapshot, removeFile, replaceFile, type FileSnapshot } from './connect-files';
import { whatIsLeft } from './connect-advice';
import { CLAUDE_COMMAND_EVENT, claudeEntries, formatSettings, mergeClaudeSettings, parseSettings, removeClaudeSettings, type OtherStatusLine } from './connect-claude-json';
import type { Invocation } from './connect-invocation';
import type { ConnectContext, ConnectOutcome } from './connect-context';
import { assertNever } from '../shared/status';

/** Which settings file: the user's, or a project's local (uncommitted) one. */
export type ClaudeScope = { readonly kind: 'user' } | { readonly kind: 'project'; readonly dir: string };

export interface ClaudeConnectOptions {
  readonly scope: ClaudeScope;
  /** The port's base URL (FLEET_URL). */
  readonly url: string;
  readonly invocation: Invocation;
  /** Plan only: show the JSON, write nothing. */
  readonly print: boolean;
}

/** Claude Code's user settings directory: CLAUDE_CONFIG_DIR when set (Claude Code honours it), else ~/.claude. */
function userClaudeDir(context: ConnectContext): string {
  return context.env.CLAUDE_CONFIG_DIR ? path.resolve(context.cwd, context.env.CLAUDE_CONFIG_DIR) : path.join(context.home, '.claude');
}

/** The settings file a scope edits. */
export function claudeSettingsPath(context: ConnectContext, scope: ClaudeScope): string {
  if (scope.kind === 'user') return path.join(userClaudeDir(context), 'settings.json');
  return path.join(path.resolve(context.cwd, scope.dir), '.claude', 'settings.local.json');
}

function projectDir(context: ConnectContext, scope: ClaudeScope): string | undefined {
  if (scope.kind !== 'project') return undefined;
  const dir = path.resolve(context.cwd, scope.dir);
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`--project ${scope.dir}: no such directory`);
  return dir;
}

/**
 * Status lines of the other files that apply to a project's sessions (user
 * settings, the project's shared settings): a local one would hide them.
 */
function otherStatusLines(context: ConnectContext, scope: ClaudeScope): OtherStatusLine[] {
  const dir = projectDir(context, scope);
  if (dir === undefined) return [];
  const files = [claudeSettingsPath(context, { kind: 'user' }), path.join(dir, '.claude', 'settings.json')];
  return files.flatMap((file) => {
    try {
      const value = parseSettings(readSnapshot(file).text, file).statusLine;
      return value === undefined ? [] : [{ file, value }];
    } catch {
      return []; // Unreadable there is Claude Code's problem to report, not ours to fix.
    }
  });
}

/** Connects Claude Code: merges our hooks (and the status line, if the user has none) into the scope's settings file. */
export function connectClaudeCode(context: ConnectContext, options: ClaudeConnectOptions): ConnectOutcome {
  const file = claudeSettingsPath(context, options.scope);
  const others = otherStatusLines(context, options.scope);
  const snapshot = readSnapshot(file);
  const current = parseSettings(snapshot.text, file);
  const entries = claudeEntries(options.url, options.invocation);
  let merge;
  try {
    merge = mergeClaudeSettings(current, entries, others);
  } catch (error) {
    throw new Error(`${file}: ${error instanceof Error ? error.message : error}, which Claude Code cannot read; fix it first, nothing was changed`);
  }
  const changed = !isDeepStrictEqual(merge.settings, current);
  const json = formatSettings(merge.settings, snapshot.text);
  const lines: string[] = [];
  if (options.print) return { file, text: json, changed, written: false, lines: [`(not written: ${file})`] };

  const backup = changed ? replaceFile(snapshot, json, context.now()) : undefined;
  const hookCommand = String(entries.command.command);
  if (!changed) lines.push(`Claude Code: ${file} already has Fleet Monitor's hooks; nothing changed.`);
  else lines.push(`Claude Code: wrote ${file}${backup ? ` (backup: ${backup})` : ` (new file, mode ${modeText(snapshot)})`}.`);
  const touched = [...merge.added, ...merge.updated];
  const httpEvents = touched.filter((event) => event !== CLAUDE_COMMAND_EVENT);
  if (httpEvents.length > 0) lines.push(`  http hooks → ${String(entries.http.url)}: ${httpEvents.join(', ')}`);
  if (touched.includes(CLAUDE_COMMAND_EVENT)) lines.push(`  ${CLAUDE_COMMAND_EVENT} (takes no http hook): ${hookCommand}`);
  const ours = String(entries.statusLine.command);
  const statusLineJson = JSON.stringify({ statusLine: entries.statusLine });
  switch (merge.statusLine.kind) {
    case 'added':
    case 'updated':
      lines.push(`  status line: ${ours}`);
      break;
    case 'present':
      break;
    case 'elsewhere':
      lines.push(`  status line: Fleet Monitor's already, from ${merge.statusLine.where}`);
      break;
    case 'kept': {
      const where = merge.statusLine.where === 'here' ? file : merge.statusLine.where;
      lines.push(`  status line: yours is kept (${merge.statusLine.command}, in ${where}).`);
      lines.push(`  To show Fleet Monitor's instead, put ${statusLineJson} in ${file}.`);
      break;
    }
    default:
      assertNever(merge.statusLine);
  }
  // Claude Code runs no hook at all while this is set (https://code.claude.com/docs/en/hooks, "Disable or remove hooks").
  if (merge.settings.disableAllHooks === true) lines.push(`  Note: ${file} sets "disableAllHooks": true, so none of these hooks runs until you remove it.`);
  lines.push(...whatIsLeft(context, options, 'Claude Code'));
  return { file, text: json, changed, written: changed, ...(backup ? { backup } : {}), lines };
}

/** Disconnects Claude Code: removes exactly our entries; a file that held only ours is removed. */
export function disconnectClaudeCode(context: ConnectContext, options: Pick<ClaudeConnectOptions, 'scope' | 'print'>): ConnectOutcome {
  const file = claudeSettingsPath(context, options.scope);
  const snapshot = readSnapshot(file);
  const current = parseSettings(snapshot.text, file);
  const removal = removeClaudeSettings(current);
  const changed = removal.events.length > 0 || removal.statusLine;
  // Nothing of the user's is left: the file goes, as it was before connect made it (no backup of our own entries).
  const removeWhole = changed && Object.keys(removal.settings).length === 0 && !snapshot.linked;
  const json = !changed ? (snapshot.text ?? '') : removeWhole ? '' : formatSettings(removal.settings, snapshot.text);
  if (options.print) {
    return { file, text: json, changed, written: false, lines: [removeWhole ? `(not removed: ${file}, which would go as it holds only Fleet Monitor's entries)` : `(not written: ${file})`] };
  }
  if (!changed) return { file, text: json, changed, written: false, lines: [`Claude Code: ${file} has no Fleet Monitor hooks; nothing changed.`] };
  const backup = removeWhole ? removeFile(snapshot, context.now(), false) : replaceFile(snapshot, json, context.now());
  const what = [removal.events.length > 0 ? `hooks (${removal.events.join(', ')})` : '', removal.statusLine ? 'status line' : ''].filter(Boolean).join(' and ');
  const lines = removeWhole
    ? [`Claude Code: removed ${file}, which held only Fleet Monitor's ${what}.`]
    : [`Claude Code: removed Fleet Monitor's ${what} from ${file} (backup: ${backup}).`];
  return { file, text: json, changed, written: true, ...(backup ? { backup } : {}), lines };
}

function modeText(snapshot: FileSnapshot): string {
  return snapshot.mode.toString(8);
}

