import { UsageError } from './usage-error';

/** `--label key=value` flags as labels (a later key wins), or undefined when none were given. */
export function parseLabelFlags(pairs: readonly string[] | undefined): Record<string, string> | undefined {
  if (pairs === undefined || pairs.length === 0) return undefined;
  const labels: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--label must be key=value (got '${pair}')`);
    labels[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return labels;
}
