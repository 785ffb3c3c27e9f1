import type { StatusEvent } from '../../../shared/agent';
import type { AgentStatus } from '../../../shared/status';

export interface Segment {
  readonly status: AgentStatus;
  readonly from: number;
  readonly to: number;
}

/**
 * The agent's statuses over [start, end] as contiguous segments, from its
 * history (any order) and its current status. Before `createdAt` there is no
 * segment. Events before `start` only tell the status the window opens with.
 */
export function timelineSegments(
  events: readonly StatusEvent[],
  current: AgentStatus,
  createdAt: number,
  start: number,
  end: number,
): Segment[] {
  const ordered = [...events].sort((a, b) => a.at - b.at || a.id - b.id);
  const inside = ordered.filter((e) => e.at > start && e.at <= end);
  const before = ordered.filter((e) => e.at <= start).at(-1);
  let status: AgentStatus = before ? before.to : (inside[0]?.from ?? current);
  let cursor = Math.max(start, createdAt);
  const segments: Segment[] = [];
  for (const event of inside) {
    if (event.at > cursor) segments.push({ status, from: cursor, to: event.at });
    cursor = Math.max(cursor, event.at);
    status = event.to;
  }
  if (end > cursor) segments.push({ status, from: cursor, to: end });
  return segments;
}

const DAY = 24 * 3_600_000;
/** The shortest window drawn: a minute-old agent's bar still has room for its parts. */
export const MIN_TIMELINE_SPAN = 60_000;

/**
 * The window the timeline draws, ending `now`: the last 24 hours, or, for an
 * agent younger than that, its life since `createdAt` (at least
 * {@link MIN_TIMELINE_SPAN}), `young` then.
 */
export function timelineWindow(createdAt: number, now: number): { start: number; span: number; young: boolean } {
  const life = now - createdAt;
  if (life >= DAY) return { start: now - DAY, span: DAY, young: false };
  const span = Math.max(life, MIN_TIMELINE_SPAN);
  return { start: now - span, span, young: true };
}
