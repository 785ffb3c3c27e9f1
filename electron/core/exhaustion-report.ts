/**
 * One rule for what an exhaustion report means, whoever sends it (the agent
 * endpoint, the operator action, the desktop's IPC, the Claude Code and Codex hooks): the recovery time is
 * `recovery_at` if given, else what the provider's headers say, else what the
 * agent's message or error body says, else the default delay; the reason is
 * the one given, else billing where the texts say billing, else rate_limit.
 */
import { parseLimit, type LimitReading } from '../../shared/limit-text';
import { recoveryFromHeaders, type ResponseHeaders } from '../../shared/rate-limit-headers';
import type { ExhaustReason } from '../../shared/status';
import { MAX_USAGE_WINDOWS, usageFromHeaders, type Usage } from '../../shared/usage';
import type { ExhaustionReport } from './fleet-service';

/** The fields of an exhaustion request, validated (times already epoch ms). */
export interface ExhaustionRequest {
  readonly reason?: ExhaustReason | undefined;
  readonly recovery_at?: number | undefined;
  readonly headers?: ResponseHeaders | undefined;
  readonly message?: string | undefined;
  readonly error?: unknown;
  readonly tz?: string | undefined;
  readonly usage?: Usage | undefined;
}

export interface ReadExhaustion {
  readonly report: ExhaustionReport;
  /**
   * The agent's usage windows after the report, given those it had: the
   * body's `usage` replaces them (with the headers' other windows added); the
   * headers alone update the windows they name and keep the rest. Undefined
   * when neither says anything of usage.
   */
  readonly usage: Usage | undefined;
}

/** Reads an exhaustion request at time `now`, for an agent whose usage windows are `current`. */
export function readExhaustion(request: ExhaustionRequest, now: number, current?: Usage): ReadExhaustion {
  const texts: unknown[] = [];
  if (request.message !== undefined) texts.push(request.message);
  if (request.error !== undefined) texts.push(request.error);
  const limits = texts
    .map((text) => parseLimit(text, { now, tz: request.tz }))
    .filter((reading): reading is LimitReading & { limit: true } => reading.limit);

  const fromHeaders = request.headers ? recoveryFromHeaders(request.headers, now) : null;
  const fromText = limits.find((reading) => reading.recoveryAt !== null)?.recoveryAt ?? null;
  let recovery: Pick<ExhaustionReport, 'recoveryAt' | 'source'> = {};
  if (request.recovery_at !== undefined) recovery = { recoveryAt: request.recovery_at, source: 'given' };
  else if (fromHeaders !== null) recovery = { recoveryAt: fromHeaders, source: 'headers' };
  else if (fromText !== null) recovery = { recoveryAt: fromText, source: 'message' };

  const reason = request.reason ?? (limits.some((reading) => reading.reason === 'billing') ? 'billing' : 'rate_limit');
  return {
    report: { reason, ...recovery, excerpt: limits[0]?.excerpt ?? null },
    usage: usageAfter(request.usage, request.headers ? usageFromHeaders(request.headers) : {}, current),
  };
}

function usageAfter(body: Usage | undefined, headers: Usage, current: Usage | undefined): Usage | undefined {
  if (body !== undefined) return mergeUsage(body, headers);
  if (Object.keys(headers).length === 0) return undefined;
  return mergeUsage(headers, current ?? {});
}

/** The windows of `first`, then those of `rest` it lacks, up to the bound. */
function mergeUsage(first: Usage, rest: Usage): Usage {
  const merged: Record<string, Usage[string]> = { ...first };
  for (const [name, window] of Object.entries(rest)) {
    if (Object.keys(merged).length >= MAX_USAGE_WINDOWS) break;
    merged[name] ??= window;
  }
  return merged;
}
