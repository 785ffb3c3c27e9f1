import type { Labels } from '../../../shared/agent';

/**
 * An agent's labels as `key=value` chips. Compact (tiles): one line, cut with
 * an ellipsis, all of them in the tooltip and to screen readers. Else
 * (details): every one, wrapping. Nothing when it has none.
 */
export function LabelList({ labels, compact = false }: { labels: Labels; compact?: boolean }) {
  const entries = Object.entries(labels);
  if (entries.length === 0) return null;
  const all = entries.map(([k, v]) => `${k}=${v}`).join(', ');
  return (
    <ul className={compact ? 'labels labels-compact tile-line' : 'labels'} aria-label="Labels" title={compact ? all : undefined}>
      {entries.map(([k, v]) => (
        <li key={k}>
          <code className="label">
            <bdi>{k}</bdi>=<bdi>{v}</bdi>
          </code>
        </li>
      ))}
    </ul>
  );
}
