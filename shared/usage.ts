/**
 * Usage windows: how much of each provider quota window an agent has used and
 * when the window resets (Claude's `five_hour` and `seven_day`, say). Agents
 * report them in heartbeat and exhausted bodies, Claude Code's status line
 * forwards them, and Anthropic's unified rate-limit headers carry them.
 */
import type { ResponseHeaders } from './rate-limit-headers';

export interface UsageWindow {
  /** 0–100. */
  readonly usedPercent: number;
  /** Epoch ms, or null when unknown. */
  readonly resetsAt: number | null;
}

/** Windows by name (`five_hour`, `seven_day`, …). */
export type Usage = Readonly<Record<string, UsageWindow>>;

export const MAX_USAGE_WINDOWS = 8;

/** Window names: 1–63 characters of `A-Z a-z 0-9 . _ -` starting with a letter or digit. */
export const USAGE_WINDOW_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export const EMPTY_USAGE: Usage = Object.freeze({});

/** A unified header's window as the rest of the app names it: `5h` → `five_hour`, `7d` → `seven_day`. */
export function unifiedWindowName(headerPart: string): string {
  const part = headerPart.toLowerCase();
  return part === '5h' ? 'five_hour' : part === '7d' ? 'seven_day' : part;
}

const UNIFIED = /^anthropic-ratelimit-unified-(.+)-(utilization|reset)$/;

function firstValue(value: string | readonly string[] | undefined): string | undefined {
  return (typeof value === 'string' ? value : Array.isArray(value) ? value[0] : undefined)?.trim();
}

/**
 * The windows Anthropic's unified headers describe:
 * `anthropic-ratelimit-unified-5h-utilization: 0.42` (a 0–1 fraction) and
 * `anthropic-ratelimit-unified-5h-reset: 1767268800` (epoch seconds). A window
 * needs its utilization; values that do not parse are left out.
 */
export function usageFromHeaders(headers: ResponseHeaders): Usage {
  const found = new Map<string, { used?: number; reset?: number }>();
  for (const [rawName, rawValue] of Object.entries(headers)) {
    const match = UNIFIED.exec(rawName.toLowerCase());
    const value = firstValue(rawValue);
    if (!match || value === undefined || !/^\d+(?:\.\d+)?$/.test(value)) continue;
    const name = unifiedWindowName(match[1]!);
    if (!USAGE_WINDOW_NAME.test(name)) continue;
    const entry = found.get(name) ?? {};
    if (match[2] === 'utilization') entry.used = Math.min(100, Number(value) * 100);
    else entry.reset = Number(value) * 1000;
    found.set(name, entry);
  }
  const usage: Record<string, UsageWindow> = {};
  for (const [name, { used, reset }] of found) {
    if (used === undefined || Object.keys(usage).length >= MAX_USAGE_WINDOWS) continue;
    usage[name] = { usedPercent: Math.round(used * 100) / 100, resetsAt: reset ?? null };
  }
  return usage;
}

/** Whether two usage maps say the same. */
export function sameUsage(a: Usage, b: Usage): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => b[k] !== undefined && a[k]!.usedPercent === b[k]!.usedPercent && a[k]!.resetsAt === b[k]!.resetsAt);
}
