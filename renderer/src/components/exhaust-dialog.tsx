import { useId, useRef, useState, type FormEvent } from 'react';
import type { Agent } from '../../../shared/agent';
import { MAX_MESSAGE_BYTES, parseLimit, utf8Length, type LimitReading } from '../../../shared/limit-text';
import { describeSeconds, isBeyondHorizon } from '../../../shared/recovery-horizon';
import type { ExhaustReason } from '../../../shared/status';
import { localZone } from '../../../shared/zoned-time';
import { humanize } from '../lib/format';
import { formatResetClock } from '../lib/recovery';
import { useFleetStore } from '../store/fleet-store';
import { displayName } from '../store/view';
import { runAction } from './actions';
import { useTransport } from './transport-context';
import { useModal } from './use-modal';
import { useSettings } from './use-settings';

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

/** What the dialog says it read from a pasted message. */
function describeReading(reading: LimitReading, now: number): string {
  if (!reading.limit) return 'Not a limit message: choose the reason and time yourself.';
  const when = reading.recoveryAt === null ? 'no reset time in it' : `resets ${formatResetClock(reading.recoveryAt, now)}`;
  return `Read as ${humanize(reading.reason)}, ${when}.`;
}

/**
 * "Force exhaust": choose the reason (rate limit by default) and when the agent
 * comes back (in 5 hours by default; presets or a custom time), confirmed with
 * "Exhaust agent"; or paste the agent's limit message, which fills both (read
 * by the same parser the port uses) and is recorded with the exhaustion.
 * Escape or Cancel closes; Enter confirms. Modal for the keyboard too: Tab
 * stays inside until it closes (useModal). A time further ahead than the
 * fleet's recovery horizon (`FLEET_MAX_RECOVERY_S`, from the settings) is
 * said to be so at once, and cannot be sent: the port would refuse it.
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
  const [message, setMessage] = useState('');
  const [reading, setReading] = useState<LimitReading | null>(null);
  // The custom time the message filled in: while it stands, the port reads the time from the message itself.
  const [filled, setFilled] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [settings] = useSettings();
  const dialog = useRef<HTMLDivElement>(null);
  // Focus starts in the paste box: pasting the agent's message is the quickest way through.
  const first = useRef<HTMLTextAreaElement>(null);
  const close = () => useFleetStore.setState({ exhaustId: null });
  useModal(dialog, close, first);

  const paste = (text: string) => {
    setMessage(text);
    if (text.trim() === '') {
      setReading(null);
      setFilled(null);
      return;
    }
    const now = Date.now();
    const read = parseLimit(text, { now, tz: localZone() });
    setReading(read);
    // A time filled from an earlier paste no longer stands for this text.
    setFilled(null);
    if (!read.limit) return;
    setReason(read.reason);
    if (read.recoveryAt !== null) {
      const value = toLocalInput(read.recoveryAt);
      setCustom(value);
      setPreset('custom');
      setFilled(value);
    }
  };

  const pasted = message.trim() === '' ? undefined : message;
  // A time the message gave is read by the port from the message itself (and kept within the horizon there).
  const fromMessage = pasted !== undefined && preset === 'custom' && filled === custom;
  const chosenAt = () => (preset === 'custom' ? new Date(custom).getTime() : Date.now() + RECOVERY_PRESETS[preset]!.ms);
  const maxRecoveryS = settings?.limits.maxRecoveryS;
  const tooFar = !fromMessage && maxRecoveryS !== undefined && isBeyondHorizon(chosenAt(), Date.now(), maxRecoveryS);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (tooFar) return;
    const recoveryAt = chosenAt();
    if (!fromMessage && (!Number.isFinite(recoveryAt) || recoveryAt <= Date.now())) {
      setError('Choose a recovery time in the future.');
      return;
    }
    if (pasted !== undefined && utf8Length(pasted) > MAX_MESSAGE_BYTES) {
      setError('The message is longer than 16 KiB: paste the part with the limit.');
      return;
    }
    setBusy(true);
    const ok = await runAction(() =>
      api.forceExhaust({
        id,
        reason,
        ...(fromMessage ? {} : { recoveryAt }),
        ...(pasted !== undefined ? { message: pasted, tz: localZone() } : {}),
      }),
    );
    setBusy(false);
    if (ok) close();
    else setError(useFleetStore.getState().notice);
  };

  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div ref={dialog} role="dialog" aria-modal="true" aria-labelledby={titleId} className="dialog">
        <h2 id={titleId}>Force exhaust {displayName(agent)}</h2>
        <form onSubmit={(e) => void submit(e)}>
          <div className="paste">
            <label htmlFor={`${titleId}-message`}>Paste the agent's message</label>
            <textarea
              ref={first}
              id={`${titleId}-message`}
              value={message}
              placeholder="You've hit your limit · resets 3:45pm (America/Los_Angeles)"
              onChange={(e) => paste(e.target.value)}
            />
            {reading && (
              <p className="paste-reading muted" role="status">
                {describeReading(reading, Date.now())}
              </p>
            )}
          </div>
          <fieldset>
            <legend>Reason</legend>
            <label>
              <input type="radio" name="reason" checked={reason === 'rate_limit'} onChange={() => setReason('rate_limit')} />
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
          {tooFar && (
            <p role="alert" className="error" id={`${titleId}-horizon`}>
              The recovery time must be at most {describeSeconds(maxRecoveryS)} ahead (FLEET_MAX_RECOVERY_S).
            </p>
          )}
          {error && !tooFar && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" onClick={close}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={busy || tooFar} aria-describedby={tooFar ? `${titleId}-horizon` : undefined}>
              Exhaust agent
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
