import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { ExhaustReason } from '../../../shared/status';
import { useFleetStore } from '../store/fleet-store';
import { displayName } from '../store/view';
import { runAction } from './actions';
import { useTransport } from './transport-context';

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
 * "Exhaust agent". Escape or Cancel closes; Enter confirms.
 */
export function ExhaustDialog() {
  const id = useFleetStore((s) => s.exhaustId);
  const agent = useFleetStore((s) => (s.exhaustId ? s.agents.get(s.exhaustId) : undefined));
  const api = useTransport();
  const titleId = useId();
  const [reason, setReason] = useState<ExhaustReason>('rate_limit');
  const [preset, setPreset] = useState<number | 'custom'>(DEFAULT_PRESET);
  const [custom, setCustom] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  const opener = useRef<Element | null>(null);

  useEffect(() => {
    if (!id) return;
    opener.current = document.activeElement;
    setReason('rate_limit');
    setPreset(DEFAULT_PRESET);
    // The app may have been open for hours: the custom time starts from now each time.
    setCustom(toLocalInput(Date.now() + RECOVERY_PRESETS[DEFAULT_PRESET].ms));
    setError(null);
    first.current?.focus();
    return () => (opener.current as HTMLElement | null)?.focus?.();
  }, [id]);

  if (!id || !agent) return null;
  const close = () => useFleetStore.setState({ exhaustId: null });

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

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      close();
    }
  };

  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div role="dialog" aria-modal="true" aria-labelledby={titleId} className="dialog" onKeyDown={onKeyDown}>
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
