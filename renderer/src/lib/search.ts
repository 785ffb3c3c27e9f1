import type { Agent } from '../../../shared/agent';

/** One term of a search: a label to have (`key=value`), or words to find in the id, name or a label. */
type Term = { readonly label: readonly [key: string, value: string] } | { readonly text: string };

/** A search as typed: every `include` term must match, no `exclude` term may. */
export interface Search {
  readonly include: readonly Term[];
  readonly exclude: readonly Term[];
}

/** A term: an optional leading `-`, then a `"quoted phrase"` or a run of non-spaces. */
const TERM = /(-?)(?:"([^"]*)"?|(\S+))/g;
/** `key=value`: a label key as the port allows them, then the value (maybe empty: the label is there). */
const LABEL_TERM = /^([A-Za-z0-9][A-Za-z0-9._/-]*)=(.*)$/;

/**
 * Reads a search box's text: terms separated by spaces, all of which must
 * match (`team=infra region=eu`); a leading `-` excludes (`-team=web`,
 * `-staging`); `key=value` matches a label exactly (`key=` any value of
 * it); anything else is found, case-insensitively, in the id, the name or a
 * label's `key=value`. Quotes keep a phrase together (`"build bot"`). A lone
 * `-` is no term.
 */
export function parseSearch(text: string): Search {
  const include: Term[] = [];
  const exclude: Term[] = [];
  for (const [, minus, quoted, bare] of text.matchAll(TERM)) {
    const raw = (quoted ?? bare ?? '').trim();
    if (raw === '') continue;
    const label = quoted === undefined ? LABEL_TERM.exec(raw) : null;
    const term: Term = label ? { label: [label[1]!.toLowerCase(), label[2]!.toLowerCase()] } : { text: raw.toLowerCase() };
    (minus ? exclude : include).push(term);
  }
  return { include, exclude };
}

function termMatches(agent: Agent, term: Term): boolean {
  if ('label' in term) {
    const [key, value] = term.label;
    return Object.entries(agent.labels).some(([k, v]) => k.toLowerCase() === key && (value === '' || v.toLowerCase() === value));
  }
  const needle = term.text;
  if (agent.id.toLowerCase().includes(needle)) return true;
  if (agent.name?.toLowerCase().includes(needle)) return true;
  return Object.entries(agent.labels).some(([k, v]) => `${k}=${v}`.toLowerCase().includes(needle));
}

/** Whether `agent` passes `search` (an empty search passes everyone). */
export function matchesSearch(agent: Agent, search: Search): boolean {
  return search.include.every((term) => termMatches(agent, term)) && !search.exclude.some((term) => termMatches(agent, term));
}
