import type { AgentStatus } from '../../../shared/status';
import { humanize } from '../lib/format';

/** Status as colour plus a word: never colour alone. */
export function StatusBadge({ status }: { status: AgentStatus }) {
  return (
    <span className={`badge badge-${status}`}>
      <span className="dot" aria-hidden="true" />
      {humanize(status)}
    </span>
  );
}
