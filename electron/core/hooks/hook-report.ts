/**
 * What a hook event from Claude Code or Codex means for its agent: the move
 * it wants (taken only where the rules allow it, else a heartbeat) and the
 * waiting fact. One table, for both agents (Codex's hooks are Claude-shaped).
 */
import type { ActivityReport } from '../fleet-service';
import { readExhaustion } from '../exhaustion-report';
import type { WaitingKind } from '../../../shared/status';

/** The fields of a hook payload this table reads; the rest is the event's own. */
export interface HookPayload {
  readonly hook_event_name: string;
  readonly tool_name?: unknown;
  readonly tool_input?: unknown;
  readonly notification_type?: unknown;
  readonly message?: unknown;
  readonly error?: unknown;
  readonly error_details?: unknown;
  readonly last_assistant_message?: unknown;
}

type Report = Omit<ActivityReport, 'profile'>;

const WORK: Report = { op: { kind: 'busy', slotType: 'work' }, from: ['idle'], waiting: null };
const HEARTBEAT: Report = { op: { kind: 'heartbeat' } };
const TURN_ENDED: Report = { op: { kind: 'idle' }, from: ['busy', 'on_call'], waiting: null };

/** Claude Code's `notification_type`s that mean the agent waits for its operator. */
const WAITING_NOTIFICATIONS: Readonly<Record<string, WaitingKind>> = {
  permission_prompt: 'permission',
  idle_prompt: 'input',
  elicitation_dialog: 'question',
  agent_needs_input: 'input',
};

/** StopFailure's `error` values that are limits, with the reason each is. */
const LIMIT_ERRORS = { rate_limit: 'rate_limit', billing_error: 'billing' } as const;

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

/** The question AskUserQuestion puts to the user (its first), if it can be read. */
function questionOf(input: unknown): string | undefined {
  const questions = (input as { questions?: unknown } | null)?.questions;
  const first = Array.isArray(questions) ? (questions[0] as { question?: unknown } | undefined) : undefined;
  return text(first?.question) ?? text((input as { question?: unknown } | null)?.question);
}

/** What the permission is for: the tool, and its command or file where the input names one. */
function permissionOf(payload: HookPayload): string {
  const tool = text(payload.tool_name) ?? 'a tool';
  const input = payload.tool_input as { command?: unknown; file_path?: unknown } | null | undefined;
  const what = text(input?.command) ?? text(input?.file_path);
  return what ? `${tool}: ${what}` : tool;
}

/** The report for one hook event at time `now`, reading reset times in `tz`. */
export function reportForHook(payload: HookPayload, now: number, tz: string | undefined): Report {
  switch (payload.hook_event_name) {
    case 'SessionStart':
      return HEARTBEAT;
    case 'PreToolUse':
      if (payload.tool_name === 'AskUserQuestion') {
        return { ...HEARTBEAT, waiting: { kind: 'question', message: questionOf(payload.tool_input) ?? 'The agent asks a question' } };
      }
      return WORK;
    case 'UserPromptSubmit':
    case 'PostToolUse':
    case 'PostToolUseFailure':
      return WORK;
    case 'PermissionRequest':
      // Claude Code asks permission for AskUserQuestion too: that is still a question.
      if (payload.tool_name === 'AskUserQuestion') {
        return { ...HEARTBEAT, waiting: { kind: 'question', message: questionOf(payload.tool_input) ?? 'The agent asks a question', keepMessage: true } };
      }
      return { ...HEARTBEAT, waiting: { kind: 'permission', message: permissionOf(payload) } };
    case 'Notification': {
      const kind = typeof payload.notification_type === 'string' ? WAITING_NOTIFICATIONS[payload.notification_type] : undefined;
      // The notification follows the request and says less ("Claude needs your permission to use Bash"): the request's words stay.
      return kind ? { ...HEARTBEAT, waiting: { kind, message: text(payload.message) ?? 'The agent needs you', keepMessage: true } } : HEARTBEAT;
    }
    case 'Stop':
      return TURN_ENDED;
    case 'StopFailure': {
      const reason = typeof payload.error === 'string' && Object.hasOwn(LIMIT_ERRORS, payload.error) ? LIMIT_ERRORS[payload.error as keyof typeof LIMIT_ERRORS] : undefined;
      if (!reason) return { op: { kind: 'idle' }, from: ['busy', 'on_call'] };
      const { report } = readExhaustion({ reason, message: text(payload.last_assistant_message), error: payload.error_details, tz }, now);
      return { op: { kind: 'exhausted', reason, recoveryAt: report.recoveryAt ?? null }, exhaustion: report, waiting: null };
    }
    case 'SessionEnd':
      return { op: { kind: 'offline' } };
    default:
      return HEARTBEAT;
  }
}

/**
 * Codex's `notify` payload after each turn: the turn ended (idle when busy or
 * on call, else a heartbeat), unless its last message is a limit text, which
 * exhausts the agent with the reset time it gives.
 */
export function reportForCodexTurn(lastMessage: string | undefined, now: number, tz: string | undefined): Report {
  if (lastMessage !== undefined) {
    const read = readExhaustion({ message: lastMessage, tz }, now);
    if (read.report.excerpt !== null) {
      return { op: { kind: 'exhausted', reason: read.report.reason, recoveryAt: read.report.recoveryAt ?? null }, exhaustion: read.report, waiting: null };
    }
  }
  return TURN_ENDED;
}
