import type { AgentStatus } from '../../../shared/status';
import { assertNever } from '../../../shared/status';
import { humanize } from '../lib/format';

/**
 * Each status's own shape, the same the status map draws: idle a hollow
 * square, busy a full one, on call a diamond, offline a square crossed out,
 * exhausted a square with a triangle cut out. The shape tells the status
 * where colour cannot (colour blindness, a grey print).
 */
export function StatusGlyph({ status }: { status: AgentStatus }) {
  return (
    <svg className={`glyph glyph-${status}`} viewBox="0 0 10 10" aria-hidden="true" focusable="false">
      {glyphShape(status)}
    </svg>
  );
}

function glyphShape(status: AgentStatus) {
  switch (status) {
    case 'idle':
      return <rect x="1" y="1" width="8" height="8" strokeWidth="1.6" />;
    case 'busy':
      return <rect width="10" height="10" />;
    case 'on_call':
      return <path d="M5 0 10 5 5 10 0 5Z" />;
    case 'offline':
      return (
        <>
          <rect width="10" height="10" />
          <path className="cut" d="M2.3 2.3 7.7 7.7M7.7 2.3 2.3 7.7" strokeWidth="1.7" />
        </>
      );
    case 'exhausted':
      return <path fillRule="evenodd" d="M0 0H10V10H0Z M5 2 8 8H2Z" />;
    default:
      return assertNever(status);
  }
}

/** Status as a shape, a word and a colour: never colour alone. */
export function StatusBadge({ status }: { status: AgentStatus }) {
  return (
    <span className={`badge badge-${status}`}>
      <StatusGlyph status={status} />
      {humanize(status)}
    </span>
  );
}
