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
