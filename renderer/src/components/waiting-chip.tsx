import type { Waiting } from '../../../shared/agent';
import { formatDuration } from '../lib/format';

/**
 * "Needs you: permission": the agent waits for its operator. Loud on purpose
 * (the agent is stuck until someone answers), with what it asked in the title.
 */
export function WaitingChip({ waiting, now }: { waiting: Waiting; now: number }) {
  return (
    <span className={`needs-you needs-you-${waiting.kind}`} title={`${waiting.message} (for ${formatDuration(now - waiting.since)})`}>
      <span aria-hidden="true">⚑ </span>Needs you: {waiting.kind}
    </span>
  );
}
