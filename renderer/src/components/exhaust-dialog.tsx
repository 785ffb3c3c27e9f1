import { useId, useRef, useState, type FormEvent } from 'react';
import type { Agent } from '../../../shared/agent';
import type { ExhaustReason } from '../../../shared/status';
import { useFleetStore } from '../store/fleet-store';
import { displayName } from '../store/view';
import { runAction } from './actions';
import { useTransport } from './transport-context';
import { useModal } from './use-modal';

const MINUTE = 60_000;
export const RECOVERY_PRESETS = [
  { label: 'in 15 min', ms: 15 * MINUTE },
  { label: 'in 1 hour', ms: 60 * MINUTE },
  { label: 'in 5 hours', ms: 300 * MINUTE },
  { label: 'in 24 hours', ms: 1440 * MINUTE },
] as const;
const DEFAULT_PRESET = 2;

/** A `datetime-local` value for `ms` in the local time zone. */
function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * MINUTE);
  return d.toISOString().slice(0, 16);
}

/**
 * "Force exhaust": choose the reason (rate limit by default) and when the agent
 * comes back (in 5 hours by default; presets or a custom time), confirmed with
 * "Exhaust agent". Escape or Cancel closes; Enter confirms. Modal for the
 * keyboard too: Tab stays inside until it closes (useModal).
 */
export function ExhaustDialog() {
  const id = useFleetStore((s) => s.exhaustId);
  const agent = useFleetStore((s) => (s.exhaustId ? s.agents.get(s.exhaustId) : undefined));
  if (!id || !agent) return null;
  // Mounted only while open, and keyed by agent: every opening starts from the defaults.
  return <ExhaustForm key={id} agent={agent} />;
}

function ExhaustForm({ agent }: { agent: Agent }) {
  const { id } = agent;
  const api = useTransport();
  const titleId = useId();
  const [reason, setReason] = useState<ExhaustReason>('rate_limit');
  const [preset, setPreset] = useState<number | 'custom'>(DEFAULT_PRESET);
  // The app may have been open for hours: the custom time starts from now each time.
  const [custom, setCustom] = useState(() => toLocalInput(Date.now() + RECOVERY_PRESETS[DEFAULT_PRESET].ms));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDivElement>(null);
  const first = useRef<HTMLInputElement>(null);
  const close = () => useFleetStore.setState({ exhaustId: null });
  useModal(dialog, close, first);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const recoveryAt = preset === 'custom' ? new Date(custom).getTime() : Date.now() + RECOVERY_PRESETS[preset]!.ms;
    if (!Number.isFinite(recoveryAt) || recoveryAt <= Date.now()) {
      setError('Choose a recovery time in the future.');
      return;
    }
    setBusy(true);
    const ok = await runAction(() => api.forceExhaust({ id, reason, recoveryAt }));
    setBusy(false);
    if (ok) close();
    else setError(useFleetStore.getState().notice);
  };

  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div ref={dialog} role="dialog" aria-modal="true" aria-labelledby={titleId} className="dialog">
        <h2 id={titleId}>Force exhaust {displayName(agent)}</h2>
        <form onSubmit={(e) => void submit(e)}>
          <fieldset>
            <legend>Reason</legend>
            <label>
              <input ref={first} type="radio" name="reason" checked={reason === 'rate_limit'} onChange={() => setReason('rate_limit')} />
              Rate limit
            </label>
            <label>
              <input type="radio" name="reason" checked={reason === 'billing'} onChange={() => setReason('billing')} />
              Billing
            </label>
          </fieldset>
          <fieldset>
            <legend>Recovers</legend>
            {RECOVERY_PRESETS.map((p, index) => (
              <label key={p.label}>
                <input type="radio" name="recovery" checked={preset === index} onChange={() => setPreset(index)} />
                {p.label}
              </label>
            ))}
            <label>
              <input type="radio" name="recovery" checked={preset === 'custom'} onChange={() => setPreset('custom')} />
              at
              <input
                type="datetime-local"
                aria-label="Custom recovery time"
                value={custom}
                onChange={(e) => {
                  setCustom(e.target.value);
                  setPreset('custom');
                }}
              />
            </label>
          </fieldset>
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" onClick={close}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={busy}>
              Exhaust agent
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
