import type { ErrorInfo } from '../../../shared/errors';
import type { BulkResult } from '../../../shared/fleet-api';
import { humanize } from './format';

/** What a bulk action did, in the words of its result line. */
export type BulkVerb = 'Recovered' | 'Exhausted';

const agents = (n: number) => `${n} ${n === 1 ? 'agent' : 'agents'}`;

/** Why the server skipped one agent, in a few words that group alike refusals. */
export function describeSkip(error: ErrorInfo): string {
  if (error.code === 'not_found') return 'no longer in the fleet';
  if (error.code === 'invalid_transition') {
    // The reference's wording: "Agent 'a1' is idle; expected one of [busy, …]".
    const status = /' is (\w+); expected/.exec(error.message)?.[1];
    if (status === 'idle') return 'already idle';
    if (status === 'exhausted') return 'already exhausted';
    if (status) return `${humanize(status)}: the rules refuse the move`;
  }
  return humanize(error.code);
}

/**
 * "Recovered 3 agents; 2 skipped: already idle (2)": how many moved, how
 * many the server refused and why, grouped by reason, most frequent first.
 */
export function summarizeBulk(verb: BulkVerb, results: readonly BulkResult[]): string {
  const moved = results.filter((r) => r.ok).length;
  const reasons = new Map<string, number>();
  for (const r of results) if (!r.ok) reasons.set(describeSkip(r.error), (reasons.get(describeSkip(r.error)) ?? 0) + 1);
  const skipped = results.length - moved;
  const head = `${verb} ${agents(moved)}`;
  if (skipped === 0) return `${head}.`;
  const why = [...reasons].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([reason, n]) => `${reason} (${n})`);
  return `${head}; ${skipped} skipped: ${why.join(', ')}`;
}
