/**
 * Validation of alert channels and rules as they enter (the port's
 * `/v1/alerts/*` bodies and IPC): one zod schema each, giving the domain's
 * NewAlertChannel / NewAlertRule.
 */
import { z } from 'zod';
import {
  ALERT_CHANNEL_KINDS,
  ALERT_TRIGGERS,
  DEFAULT_COALESCE_S,
  MAX_COALESCE_S,
  MAX_DELIVERY_PAGE,
  MAX_REPEAT_S,
  MIN_REPEAT_S,
  REPEATABLE_TRIGGERS,
  type NewAlertChannel,
  type NewAlertRule,
} from './alerts';
import { labelsSchema } from './http-schemas';
import { isSafeText, SAFE_TEXT_RULE } from './safe-text';

/** Alert ids are the core's own (`ch_…`, `rl_…`, `dl_…`): a bounded token, so a path segment is checked before any read. */
export const ALERT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const alertIdSchema = z.string().regex(ALERT_ID_PATTERN, { error: 'alert ids are 1–64 characters of A-Z a-z 0-9 _ -' });

export const MAX_CHANNEL_NAME = 100;
export const MAX_URL = 2_048;
export const MAX_COMMAND_ARGS = 64;
export const MAX_COMMAND_ARG = 4_096;
export const MAX_SECRET = 512;

const urlSchema = z
  .string({ error: 'url must be a string' })
  .max(MAX_URL, { error: `url is at most ${MAX_URL} characters` })
  .refine(
    (text) => {
      try {
        const url = new URL(text);
        // fetch refuses a URL with credentials in it: say so now rather than fail every attempt for a day.
        return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && url.username === '' && url.password === '';
      } catch {
        return false;
      }
    },
    { error: 'url must be an http:// or https:// URL, without user:password@ (put a token in the query, e.g. ntfy\'s ?auth=)' },
  );

// A NUL cannot pass to a program's argv; the rest is the program's business (there is no shell).
const argSchema = z
  .string({ error: 'command must be an array of strings' })
  .max(MAX_COMMAND_ARG, { error: `each command argument is at most ${MAX_COMMAND_ARG} characters` })
  .refine((arg) => !arg.includes('\0'), { error: 'command arguments must not contain NUL' });

const commandSchema = z
  .array(argSchema, { error: 'command must be an array of strings: the program, then its arguments' })
  .min(1, { error: 'command must name a program' })
  .max(MAX_COMMAND_ARGS, { error: `command has at most ${MAX_COMMAND_ARGS} parts` })
  .refine((argv) => (argv[0]?.trim() ?? '') !== '', { error: 'command must name a program' });

/** `{"name", "kind", "url"?, "command"?: [argv…], "secret"?}`: a URL for every kind but `command`, which takes argv instead. */
export const newChannelBodySchema = z
  .object({
    name: z
      .string({ error: 'name must be a string' })
      .refine(isSafeText, { error: `name ${SAFE_TEXT_RULE}` })
      .trim()
      .min(1, { error: 'name must not be empty' })
      .max(MAX_CHANNEL_NAME, { error: `name is at most ${MAX_CHANNEL_NAME} characters` }),
    kind: z.enum(ALERT_CHANNEL_KINDS, { error: `kind must be one of ${ALERT_CHANNEL_KINDS.join(', ')}` }),
    url: urlSchema.optional(),
    command: commandSchema.optional(),
    secret: z
      .string({ error: 'secret must be a string' })
      .min(1, { error: 'secret must not be empty' })
      .max(MAX_SECRET, { error: `secret is at most ${MAX_SECRET} characters` })
      .optional(),
  })
  .superRefine((body, ctx) => {
    if (body.kind === 'command') {
      if (body.command === undefined) ctx.addIssue({ code: 'custom', path: ['command'], message: 'a command channel needs command: [program, args…]' });
      if (body.url !== undefined) ctx.addIssue({ code: 'custom', path: ['url'], message: 'a command channel takes command, not url' });
    } else {
      if (body.url === undefined) ctx.addIssue({ code: 'custom', path: ['url'], message: `a ${body.kind} channel needs url` });
      if (body.command !== undefined) ctx.addIssue({ code: 'custom', path: ['command'], message: `a ${body.kind} channel takes url, not command` });
    }
  })
  .transform((body): NewAlertChannel => body);

const triggersSchema = z
  .array(z.enum(ALERT_TRIGGERS, { error: `on lists changes among ${ALERT_TRIGGERS.join(', ')}` }), {
    error: `on must be an array of changes among ${ALERT_TRIGGERS.join(', ')}`,
  })
  .min(1, { error: 'on must name at least one change' })
  .transform((on) => ALERT_TRIGGERS.filter((trigger) => on.includes(trigger)));

const seconds = (name: string, min: number, max: number) =>
  z
    .number({ error: `${name} must be a number of seconds` })
    .int({ error: `${name} must be a whole number of seconds` })
    .min(min, { error: `${name} must be at least ${min}` })
    .max(max, { error: `${name} must be at most ${max}` });

/** `{"channel_id", "on": [...], "selector"?, "coalesce_s"?, "repeat_after_s"?}`. */
export const newRuleBodySchema = z
  .object({
    channel_id: alertIdSchema,
    on: triggersSchema,
    selector: labelsSchema.optional(),
    coalesce_s: seconds('coalesce_s', 0, MAX_COALESCE_S).optional(),
    repeat_after_s: seconds('repeat_after_s', MIN_REPEAT_S, MAX_REPEAT_S).nullable().optional(),
  })
  .superRefine((body, ctx) => {
    const repeats = body.repeat_after_s != null;
    if (repeats && !body.on.some((t) => (REPEATABLE_TRIGGERS as readonly string[]).includes(t))) {
      ctx.addIssue({ code: 'custom', path: ['repeat_after_s'], message: 'repeat_after_s reminds of offline or exhausted agents: on must include offline or exhausted' });
    }
  })
  .transform(
    (body): NewAlertRule => ({
      channelId: body.channel_id,
      on: body.on,
      ...(body.selector === undefined ? {} : { selector: body.selector }),
      coalesceS: body.coalesce_s ?? DEFAULT_COALESCE_S,
      repeatAfterS: body.repeat_after_s ?? null,
    }),
  );

/** `?limit=` of the deliveries list: 1–1,000, default 100. */
export const deliveriesLimitSchema = z.coerce
  .number({ error: 'limit must be a number' })
  .int({ error: 'limit must be a whole number' })
  .min(1, { error: 'limit must be at least 1' })
  .max(MAX_DELIVERY_PAGE, { error: `limit must be at most ${MAX_DELIVERY_PAGE}` });

/** A rule as the port's JSON body (what IPC carries too). */
export type NewRuleBody = z.input<typeof newRuleBodySchema>;

// Built where zod is not (the preload and the page build it too).
export { toRuleBody } from './alert-bodies';
