import type { StatusEvent } from '../../../shared/agent';
import type { AgentStatus } from '../../../shared/status';
import { formatDuration, formatTime, humanize } from '../lib/format';
import { timelineWindow, timelineSegments } from '../lib/timeline';

/**
 * The agent's statuses as one coloured bar, each part labelled: over the last
 * 24 hours, or over its whole life when it is younger (a 10-minute-old agent
 * fills the bar instead of a sliver). Below it, the same periods as a table,
 * for screen readers and anyone who wants the times.
 */
export function TimelineBar(props: { events: readonly StatusEvent[]; status: AgentStatus; createdAt: number; now: number }) {
  const { start, span, young } = timelineWindow(props.createdAt, props.now);
  const segments = timelineSegments(props.events, props.status, props.createdAt, start, props.now);
  const label = young ? `Statuses since it registered, ${formatDuration(span)} ago` : 'Statuses over the last 24 hours';
  return (
    <figure className="timeline">
      <div className="timeline-bar" role="img" aria-label={label}>
        {segments.map((s) => (
          <span
            key={s.from}
            className={`timeline-part part-${s.status}`}
            style={{ left: `${((s.from - start) / span) * 100}%`, width: `${((s.to - s.from) / span) * 100}%` }}
            title={`${humanize(s.status)} for ${formatDuration(s.to - s.from)}`}
          />
        ))}
      </div>
      <figcaption>
        <span>{young ? `registered ${formatDuration(span)} ago` : '24 h ago'}</span>
        <span>now</span>
      </figcaption>
      <details className="timeline-table">
        <summary>Status periods</summary>
        <table>
          <caption className="visually-hidden">{label}</caption>
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">From</th>
              <th scope="col">For</th>
            </tr>
          </thead>
          <tbody>
            {[...segments].reverse().map((s) => (
              <tr key={s.from}>
                <td>{humanize(s.status)}</td>
                <td>{formatTime(s.from)}</td>
                <td>{formatDuration(s.to - s.from)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
