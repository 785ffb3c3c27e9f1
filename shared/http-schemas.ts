/**
 * Validation of everything that enters through the agent port (and IPC): one
 * zod schema per input, which also gives its TypeScript type.
 */
import { z } from 'zod';
import { MAX_NAME } from './agent';
import { MAX_BULK_IDS } from './fleet-api';
import { AGENT_ID_PATTERN } from './agent-id';
import { parseRfc3339 } from './date-formats';
import { EXHAUST_REASONS, SLOT_TYPES } from './status';
import { MAX_MESSAGE_BYTES, utf8Length } from './limit-text';
import { isSafeText, SAFE_TEXT_RULE } from './safe-text';
import { MAX_USAGE_WINDOWS, USAGE_WINDOW_NAME } from './usage';
import { isIanaZone } from './zoned-time';

export { AGENT_ID_PATTERN } from './agent-id';
export const agentIdSchema = z.string().regex(AGENT_ID_PATTERN, {
  error: 'agent id must be 1–128 characters of A-Z a-z 0-9 . _ : @ -',
});

/** Label keys follow the usual key syntax (which also keeps out `__proto__`). */
const LABEL_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$/;
const LABEL_KEY_RULE = 'label keys are 1–63 characters of A-Z a-z 0-9 . _ / - starting with a letter or digit';
export const MAX_LABELS = 32;
/** Longest label value, in UTF-16 units (as JavaScript counts a string's length). */
export const MAX_LABEL_VALUE = 256;
/**
 * The labels of one agent together, keys and values in UTF-8: 32 labels of
 * plain ASCII at their longest (10,208 bytes) fit; what does not is a set of
 * long values in multi-byte scripts, which would otherwise reach 26 KB. With
 * the name, one agent's name and labels stay under 17 KiB.
 */
export const MAX_LABELS_BYTES = 16 * 1024;

const labelsBytes = (labels: Record<string, string>) =>
  Object.entries(labels).reduce((sum, [key, value]) => sum + utf8Length(key) + utf8Length(value), 0);

// zod drops a `__proto__` key silently; a label the agent sent must never vanish unseen, so it is refused.
export const labelsSchema = z
  .unknown()
  .refine((value) => !(typeof value === 'object' && value !== null && Object.hasOwn(value, '__proto__')), { error: LABEL_KEY_RULE })
  .pipe(
    z.record(
      z.string().regex(LABEL_KEY, { error: LABEL_KEY_RULE }),
      z
        .string()
        .max(MAX_LABEL_VALUE, { error: `label values are at most ${MAX_LABEL_VALUE} characters` })
        .refine(isSafeText, { error: `label values ${SAFE_TEXT_RULE}` }),
    ),
  )
  .refine((labels) => Object.keys(labels).length <= MAX_LABELS, { error: `at most ${MAX_LABELS} labels` })
  .refine((labels) => labelsBytes(labels) <= MAX_LABELS_BYTES, { error: 'labels are at most 16 KiB together (keys and values, UTF-8)' });

/** Whether `labels` (built by the monitor itself, say from a hook) stays within what {@link labelsSchema} takes in count and size. */
export function labelsWithinBounds(labels: Record<string, string>): boolean {
  return Object.keys(labels).length <= MAX_LABELS && labelsBytes(labels) <= MAX_LABELS_BYTES;
}

/** Checked before the trim: JavaScript's trim takes a BOM away, and hidden characters are refused wherever they stand. */
export const nameSchema = z
  .string()
  .refine(isSafeText, { error: `name ${SAFE_TEXT_RULE}` })
  .trim()
  .min(1)
  .max(MAX_NAME);

export const profileSchema = z.object({
  name: nameSchema.optional(),
  labels: labelsSchema.optional(),
});

/** RFC 3339 with an explicit offset or Z (see {@link parseRfc3339}), converted to epoch milliseconds. */
export const rfc3339Schema = z.string().transform((text, ctx) => {
  const ms = parseRfc3339(text);
  if (ms !== null) return ms;
  ctx.addIssue({ code: 'custom', message: 'must be an RFC 3339 date-time, e.g. 2026-01-01T12:00:00Z' });
  return z.NEVER;
});

/** A reset time in a usage window: RFC 3339, epoch seconds, or null when unknown. */
const resetsAtSchema = z.union(
  [rfc3339Schema, z.number().nonnegative().max(1e11).transform((seconds) => Math.round(seconds * 1000)), z.null()],
  { error: 'resets_at must be an RFC 3339 date-time, epoch seconds or null' },
);

const USAGE_RULE = 'usage window names are 1–63 characters of A-Z a-z 0-9 . _ - starting with a letter or digit';

/** `{"five_hour": {"used_percent": 42, "resets_at": …}}`, at most 8 windows. */
export const usageSchema = z
  .unknown()
  .refine((value) => !(typeof value === 'object' && value !== null && Object.hasOwn(value, '__proto__')), { error: USAGE_RULE })
  .pipe(
    z.record(
      z.string().regex(USAGE_WINDOW_NAME, { error: USAGE_RULE }),
      z.object({
        used_percent: z.number({ error: 'used_percent must be a number from 0 to 100' }).min(0).max(100),
        resets_at: resetsAtSchema.optional(),
      }),
    ),
  )
  .refine((usage) => Object.keys(usage).length <= MAX_USAGE_WINDOWS, { error: `at most ${MAX_USAGE_WINDOWS} usage windows` })
  .transform((usage) =>
    Object.fromEntries(Object.entries(usage).map(([name, w]) => [name, { usedPercent: w.used_percent, resetsAt: w.resets_at ?? null }])),
  );

/** The reporter's time zone, for reading clock times in its messages. */
export const tzSchema = z
  .string()
  .max(64)
  .refine(isIanaZone, { error: 'tz must be an IANA time-zone name, e.g. Europe/Berlin' });

/** What the agent printed or was told: its limit message, as text. */
export const messageSchema = z
  .string({ error: 'message must be a string' })
  .refine((text) => utf8Length(text) <= MAX_MESSAGE_BYTES, { error: 'message is at most 16 KiB' });

export const heartbeatBodySchema = profileSchema.extend({
  usage: usageSchema.optional(),
});

export const busyBodySchema = profileSchema.extend({
  slot_type: z.enum(SLOT_TYPES, { error: `slot_type must be one of ${SLOT_TYPES.join(', ')}` }),
});

/** A wrapped command's exit code, recorded in the event's detail. */
const exitCodeSchema = z.number({ error: 'exit_code must be an integer' }).int({ error: 'exit_code must be an integer' }).min(-2147483648).max(4294967295);

export const idleBodySchema = profileSchema.extend({
  exit_code: exitCodeSchema.optional(),
});

export const offlineBodySchema = z.object({
  exit_code: exitCodeSchema.optional(),
});

/** Session ids and the like in hook payloads: a bounded string. */
const hookId = z.string().min(1).max(256);

/**
 * A hook payload as Claude Code (or Codex's hooks) sends it: `hook_event_name`,
 * `session_id`, `cwd`, and the event's own fields, which are kept as they come.
 */
export const claudeHookBodySchema = z.looseObject({
  hook_event_name: z.string({ error: 'hook_event_name must be a string' }).min(1).max(128),
  session_id: hookId.optional(),
  cwd: z.string().max(4096).optional(),
});

/** Codex's `notify` payload after a turn. */
export const codexNotifyBodySchema = z.looseObject({
  type: z.string().min(1).max(128),
  'thread-id': hookId.optional(),
  cwd: z.string().max(4096).optional(),
  'last-assistant-message': z.string().nullable().optional(),
});

/** What `POST /v1/hooks/codex` takes: a notify payload, or a Claude-shaped hook payload. */
export const codexHookBodySchema = z.union([claudeHookBodySchema, codexNotifyBodySchema], {
  error: 'expected a Codex notify payload (type, thread-id) or a hook payload (hook_event_name, session_id)',
});

/** The hook endpoints' query: the agent id to use instead of the session's, and the zone of reset times. */
export const hookQuerySchema = z.object({
  agent: agentIdSchema.optional(),
  tz: tzSchema.optional(),
});

/** Provider response headers as the agent saw them; a header may repeat. */
export const responseHeadersSchema = z.record(
  z.string().max(256),
  z.union([z.string().max(8192), z.array(z.string().max(8192)).max(16)]),
);

const reasonSchema = z.enum(EXHAUST_REASONS, { error: `reason must be one of ${EXHAUST_REASONS.join(', ')}` });

/** What an exhaustion report may carry to say when the agent comes back (see exhaustion-report.ts). */
const limitReportFields = {
  recovery_at: rfc3339Schema.optional(),
  message: messageSchema.optional(),
  /** The provider's error body, any JSON. */
  error: z.unknown().optional(),
  tz: tzSchema.optional(),
};

/** The agent's own report: the reason may be left to its message to say. */
export const exhaustedBodySchema = profileSchema.extend({
  reason: reasonSchema.optional(),
  headers: responseHeadersSchema.optional(),
  usage: usageSchema.optional(),
  ...limitReportFields,
});

export const exhaustActionBodySchema = z.object({
  reason: reasonSchema,
  ...limitReportFields,
});

export { MAX_BULK_IDS } from './fleet-api';

/** The agents a bulk action is for: 0–10,000 ids, each acted on in order. */
export const bulkIdsSchema = z
  .array(agentIdSchema, { error: 'ids must be an array of agent ids' })
  .max(MAX_BULK_IDS, { error: `ids may name at most ${MAX_BULK_IDS} agents` })
  .readonly();

export const bulkRecoverBodySchema = z.object({ ids: bulkIdsSchema });
export const bulkExhaustBodySchema = exhaustActionBodySchema.extend({ ids: bulkIdsSchema });

export const eventsLimitSchema = z.coerce
  .number({ error: 'limit must be a number' })
  .int({ error: 'limit must be a whole number' })
  .min(1, { error: 'limit must be at least 1' })
  .max(1000, { error: 'limit must be at most 1000' });

export type HeartbeatBody = z.infer<typeof heartbeatBodySchema>;
export type BusyBody = z.infer<typeof busyBodySchema>;
export type ClaudeHookBody = z.infer<typeof claudeHookBodySchema>;
export type CodexHookBody = z.infer<typeof codexHookBodySchema>;
export type ExhaustedBody = z.infer<typeof exhaustedBodySchema>;
export type ExhaustActionBody = z.infer<typeof exhaustActionBodySchema>;
export type BulkExhaustBody = z.infer<typeof bulkExhaustBodySchema>;

/** The first issue of a failed parse as one readable line, naming the field. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid input';
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}
