/**
 * Who an agent connected through its own hooks is: Claude Code and Codex
 * name a session (`session_id`, Codex's `thread-id`), not an agent, so the
 * monitor derives a stable agent id from it, and a name and project label
 * from the session's working directory. Pure: the port and the CLI's
 * status line derive the same id.
 */
import { AGENT_ID_PATTERN } from './agent-id';
import { MAX_NAME } from './agent';
import { toSafeText, truncateText } from './safe-text';

/** The agents that announce themselves through hooks. */
export const HOOK_SOURCES = ['claude-code', 'codex'] as const;
export type HookSource = (typeof HOOK_SOURCES)[number];

const PREFIX: Readonly<Record<HookSource, string>> = { 'claude-code': 'cc-', codex: 'codex-' };

/** FNV-1a, 32 bits twice (two offsets): a short stable digest without Node's crypto. */
function digest(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

/**
 * The agent id of a session: `cc-<session_id>` (Claude Code) or
 * `codex-<thread-id>` (Codex) when that is a valid id, else the prefix and a
 * 16-hex-digit digest of the session id (ids of other shapes, or too long).
 */
export function agentIdForSession(source: HookSource, sessionId: string): string {
  const id = `${PREFIX[source]}${sessionId}`;
  return AGENT_ID_PATTERN.test(id) ? id : `${PREFIX[source]}${digest(sessionId)}`;
}

/**
 * The last segment of a working directory (`/home/me/src/api/` → `api`), or
 * null when there is none; as a name it must be, at most {@link MAX_NAME}
 * long and shown as it is (hidden characters replaced, see {@link toSafeText}):
 * the agent did not choose its folder's name, so it is never refused for it.
 */
export function projectOf(cwd: string | undefined): string | null {
  if (!cwd) return null;
  const segment = cwd.replace(/[\\/]+$/, '').split(/[\\/]/).pop()?.trim();
  return segment ? truncateText(toSafeText(segment), MAX_NAME) : null;
}
