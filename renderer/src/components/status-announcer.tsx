import { useEffect, useState } from 'react';
import type { AgentStatus } from '../../../shared/status';
import { countStatusChanges, describeStatusChanges } from '../lib/status-announcement';
import { readClock } from '../store/clock-store';
import { onDelta } from '../store/fleet-store';

/** At most one announcement this often: a screen reader reading every change of a busy fleet says nothing useful. */
export const ANNOUNCE_INTERVAL_MS = 2_000;
/** How long a burst of changes gathers before it is said. */
export const ANNOUNCE_GATHER_MS = 500;

/**
 * Tells screen readers of status changes, coalesced: "3 agents went
 * offline", in a polite live region, no more than once per
 * {@link ANNOUNCE_INTERVAL_MS}. It reads the deltas as they come, outside
 * React, so the grid renders no more for it and a delta costs its own size.
 */
export function StatusAnnouncer() {
  const [said, setSaid] = useState({ text: '', n: 0 });
  useEffect(() => {
    const pending = new Map<AgentStatus, number>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = -Infinity;
    const flush = () => {
      timer = undefined;
      const text = describeStatusChanges(pending);
      pending.clear();
      last = readClock();
      if (text) setSaid((s) => ({ text, n: s.n + 1 }));
    };
    const stop = onDelta((before, delta) => {
      countStatusChanges(before, delta.upserts, pending);
      if (pending.size === 0 || timer !== undefined) return;
      timer = setTimeout(flush, Math.max(ANNOUNCE_GATHER_MS, last + ANNOUNCE_INTERVAL_MS - readClock()));
    });
    return () => {
      stop();
      clearTimeout(timer);
    };
  }, []);
  return (
    <div className="visually-hidden" role="status" aria-live="polite" aria-label="Status changes">
      {/* A new node each time, so the same words said twice are read twice. */}
      <p key={said.n}>{said.text}</p>
    </div>
  );
}
