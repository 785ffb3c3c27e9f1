/**
 * `POST /v1/hooks/claude-code` and `POST /v1/hooks/codex`: the payloads those
 * agents already send, taken as they come. The agent is `?agent=` or the one
 * derived from the session; its name and `project` label come from the
 * session's working directory. A well-formed payload is always answered `{}`:
 * Claude Code shows the user an error notice for anything else, and a refused
 * move is never asked for (the table picks an allowed one). A malformed one
 * (no session, a bad `?agent=` or `?tz=`) is 400, as everywhere.
 */
import type { Labels } from '../../../shared/agent';
import { agentIdForSession, projectOf, type HookSource } from '../../../shared/hook-agent';
import { hookQuerySchema, labelsWithinBounds, type ClaudeHookBody, type CodexHookBody } from '../../../shared/http-schemas';
import { toSafeText } from '../../../shared/safe-text';
import type { FleetService } from '../fleet-service';
import { HttpError } from '../http/http-error';
import { reportForCodexTurn, reportForHook, type HookPayload } from './hook-report';

/**
 * Handles one hook payload from `source`; returns the (empty) answer. With `atOnce`, only a hook that needs no commit (it comes down to a plain
 * heartbeat) is taken, and undefined says "send it through the batch of
 * writes" (the port then calls again without it); nothing is done then.
 */
export function handleHook(
  service: FleetService,
  source: HookSource,
  body: ClaudeHookBody | CodexHookBody,
  query: URLSearchParams,
  now: number,
  atOnce = false,
): Record<string, never> | undefined {
  const { agent, tz } = hookQuerySchema.parse({ agent: query.get('agent') ?? undefined, tz: query.get('tz') ?? undefined });
  const fields = body as { session_id?: unknown; 'thread-id'?: unknown; cwd?: unknown };
  const session = typeof fields.session_id === 'string' ? fields.session_id : typeof fields['thread-id'] === 'string' ? fields['thread-id'] : undefined;
  if (agent === undefined && session === undefined) {
    throw new HttpError('bad_request', source === 'codex' ? 'thread-id (or session_id) is required, or ?agent=' : 'session_id is required, or ?agent=');
  }
  const id = agent ?? agentIdForSession(source, session!);
  const known = service.find(id);
  const project = projectOf(typeof fields.cwd === 'string' ? fields.cwd : undefined);
  // The session id becomes a label value: shown as it is, like the project (at most 256 long, as label values are).
  const sessionLabel = session === undefined ? undefined : toSafeText(session);
  const labels = mergeLabels(known?.labels ?? {}, { source, ...(sessionLabel ? { session: sessionLabel } : {}), ...(project ? { project } : {}) });
  const profile = { ...(known?.name || !project ? {} : { name: project }), ...(labels ? { labels } : {}) };

  const report =
    'hook_event_name' in body
      ? reportForHook(body as HookPayload, now, tz)
      : body.type === 'agent-turn-complete'
        ? reportForCodexTurn(body['last-assistant-message'] ?? undefined, now, tz)
        : { op: { kind: 'heartbeat' } as const };
  if (atOnce) return service.activityAtOnce(id, { ...report, profile }) ? {} : undefined;
  service.reportActivity(id, { ...report, profile });
  return {};
}

/** The agent's labels with ours set, or undefined when that changes nothing (or would pass the bounds of count and size). */
function mergeLabels(existing: Labels, ours: Record<string, string>): Labels | undefined {
  if (Object.entries(ours).every(([k, v]) => existing[k] === v)) return undefined;
  const merged = { ...existing, ...ours };
  return labelsWithinBounds(merged) ? merged : undefined;
}
