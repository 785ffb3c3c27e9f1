/**
 * What the operator types in the Alerts settings, read into the domain's
 * NewAlertChannel / NewAlertRule. Only the shape is checked here (a number is
 * a number, `key=value` has its `=`); the main side validates everything
 * again with the port's schemas and its message is shown as it comes.
 */
import type { Labels } from '../../../shared/agent';
import type { AlertChannelKind, AlertRule, AlertTrigger, NewAlertChannel, NewAlertRule } from '../../../shared/alerts';

/** Either what was read, or why not (a sentence for the operator). */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/**
 * A command as one argument per line: the program on the first, each
 * argument on its own line after it. Lines are taken as typed (no shell, so
 * no quoting is needed or understood); blank lines are skipped.
 */
export function parseArgv(text: string): string[] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
}

/** `team=infra region=eu` → `{team: "infra", region: "eu"}`; empty text: no selector. */
export function parseSelector(text: string): Parsed<Labels | undefined> {
  const terms = text.split(/\s+/).filter((term) => term !== '');
  if (terms.length === 0) return { ok: true, value: undefined };
  const labels: Record<string, string> = {};
  for (const term of terms) {
    const eq = term.indexOf('=');
    if (eq <= 0) return { ok: false, message: `Selector: '${term}' is not key=value` };
    const key = term.slice(0, eq);
    if (Object.hasOwn(labels, key)) return { ok: false, message: `Selector: '${key}' is given twice` };
    labels[key] = term.slice(eq + 1);
  }
  return { ok: true, value: labels };
}

/** A selector as the operator types it: `team=infra region=eu`. */
export function formatSelector(selector: Labels | null): string {
  return selector === null ? '' : Object.entries(selector).map(([key, value]) => `${key}=${value}`).join(' ');
}

/** Whole seconds from a number field; empty text is `empty`. */
export function parseSeconds<E>(text: string, field: string, empty: E): Parsed<number | E> {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: empty };
  if (!/^\d+$/.test(trimmed)) return { ok: false, message: `${field} must be a whole number of seconds` };
  return { ok: true, value: Number(trimmed) };
}

/** The channel form's fields. */
export interface ChannelFields {
  readonly name: string;
  readonly kind: AlertChannelKind;
  readonly url: string;
  readonly command: string;
  readonly secret: string;
}

/** The channel the form asks for: a URL for every kind but `command`, which takes its argv instead. */
export function readChannel(fields: ChannelFields): Parsed<NewAlertChannel> {
  const base = { name: fields.name.trim(), kind: fields.kind, ...(fields.secret === '' ? {} : { secret: fields.secret }) };
  if (fields.kind === 'command') {
    const command = parseArgv(fields.command);
    if (command.length === 0) return { ok: false, message: 'A command channel needs a program: one argument per line, the program first' };
    return { ok: true, value: { ...base, command } };
  }
  const url = fields.url.trim();
  if (url === '') return { ok: false, message: `A ${fields.kind} channel needs a URL` };
  return { ok: true, value: { ...base, url } };
}

/** The rule form's fields. */
export interface RuleFields {
  readonly channelId: string;
  readonly on: readonly AlertTrigger[];
  readonly selector: string;
  readonly coalesce: string;
  readonly repeat: string;
}

/** The rule the form asks for. */
export function readRule(fields: RuleFields): Parsed<NewAlertRule> {
  if (fields.channelId === '') return { ok: false, message: 'Choose a channel (add one first)' };
  if (fields.on.length === 0) return { ok: false, message: 'Choose at least one change to alert on' };
  const selector = parseSelector(fields.selector);
  if (!selector.ok) return selector;
  const coalesceS = parseSeconds(fields.coalesce, 'Coalesce', undefined);
  if (!coalesceS.ok) return coalesceS;
  const repeatAfterS = parseSeconds(fields.repeat, 'Repeat', null);
  if (!repeatAfterS.ok) return repeatAfterS;
  return {
    ok: true,
    value: {
      channelId: fields.channelId,
      on: fields.on,
      ...(selector.value === undefined ? {} : { selector: selector.value }),
      ...(coalesceS.value === undefined ? {} : { coalesceS: coalesceS.value }),
      repeatAfterS: repeatAfterS.value,
    },
  };
}

/** "every 5 min", or "no" for a rule that never reminds. */
export function describeRepeat(rule: Pick<AlertRule, 'repeatAfterS'>, format: (ms: number) => string): string {
  return rule.repeatAfterS === null ? 'no' : `every ${format(rule.repeatAfterS * 1000)}`;
}
