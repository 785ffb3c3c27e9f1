import type { Usage } from '../../../shared/usage';
import { formatResetClock } from '../lib/recovery';

/** Names agents use for their windows, shortened for a tile. */
const SHORT_NAMES: Readonly<Record<string, string>> = { five_hour: '5h', seven_day: '7d' };

/** At or above these percentages a window warns, then alarms. */
export const USAGE_WARN = 75;
export const USAGE_HIGH = 90;

function level(percent: number): 'ok' | 'warn' | 'high' {
  return percent >= USAGE_HIGH ? 'high' : percent >= USAGE_WARN ? 'warn' : 'ok';
}

function windowLabel(name: string): string {
  return SHORT_NAMES[name] ?? name.replace(/_/g, ' ');
}

/**
 * The agent's quota windows as small bars: how much is used, coloured as it
 * nears 100%, and when each resets. Each bar is a meter for assistive technology.
 */
export function UsageBars({ usage, now, compact = false }: { usage: Usage; now: number; compact?: boolean }) {
  const windows = Object.entries(usage);
  if (windows.length === 0) return null;
  return (
    <ul className={`usage${compact ? ' usage-compact' : ''}`} aria-label="Usage">
      {windows.map(([name, window]) => {
        const percent = Math.round(window.usedPercent);
        const resets = window.resetsAt !== null && window.resetsAt > now ? `resets ${formatResetClock(window.resetsAt, now)}` : null;
        const label = `${windowLabel(name)} ${percent}%${resets ? `, ${resets}` : ''}`;
        return (
          <li key={name} className={`usage-window usage-${level(window.usedPercent)}`} title={label}>
            <span className="usage-name">{windowLabel(name)}</span>
            <span
              className="usage-bar"
              role="meter"
              aria-label={`${windowLabel(name)} usage`}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={percent}
              aria-valuetext={label}
            >
              <span className="usage-fill" style={{ inlineSize: `${Math.min(100, Math.max(0, window.usedPercent))}%` }} />
            </span>
            <span className="usage-percent">{percent}%</span>
            {/* On a tile, only the windows that limit the agent say when they reset (the details say it for all). */}
            {resets && (!compact || window.usedPercent >= USAGE_HIGH) && (
              <span className="usage-reset muted">{compact ? `↻ ${formatResetClock(window.resetsAt!, now)}` : resets}</span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
