import type { StatusEvent } from '../../../shared/agent';
import type { AgentStatus } from '../../../shared/status';
import { formatDuration, humanize } from '../lib/format';
import { timelineSegments } from '../lib/timeline';

const DAY = 24 * 3_600_000;

/** The agent's statuses over the last 24 hours as one coloured bar, each part labelled. */
export function TimelineBar(props: { events: readonly StatusEvent[]; status: AgentStatus; createdAt: number; now: number }) {
  const start = props.now - DAY;
  const segments = timelineSegments(props.events, props.status, props.createdAt, start, props.now);
  return (
    <figure className="timeline">
      <div className="timeline-bar" role="img" aria-label="Statuses over the last 24 hours">
        {segments.map((s) => (
          <span
            key={s.from}
            className={`timeline-part part-${s.status}`}
            style={{ left: `${((s.from - start) / DAY) * 100}%`, width: `${((s.to - s.from) / DAY) * 100}%` }}
            title={`${humanize(s.status)} for ${formatDuration(s.to - s.from)}`}
          />
        ))}
      </div>
      <figcaption>
        <span>24 h ago</span>
        <span>now</span>
      </figcaption>
    </figure>
  );
}
