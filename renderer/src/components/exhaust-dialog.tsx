import { useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { ForceExhaustRequest } from '../../../shared/fleet-api';
import { MAX_MESSAGE_BYTES, parseLimit, utf8Length, type LimitReading } from '../../../shared/limit-text';
import { describeSeconds, isBeyondHorizon } from '../../../shared/recovery-horizon';
import type { ExhaustReason } from '../../../shared/status';
import { localZone } from '../../../shared/zoned-time';
import { humanize } from '../lib/format';
import { formatResetClock } from '../lib/recovery';
import { readClock } from '../store/clock-store';
import { useFleetStore } from '../store/fleet-store';
import { displayName } from '../store/view';
import { runAction } from './actions';
import { findAgentControl } from './find-control';
import { useTransport } from './transport-context';
import { useModal } from './use-modal';
import { useSettings } from './use-settings';
import { useActionsDisabled } from './use-actions-disabled';

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

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * "Recovers at 14:05 (Europe/Berlin)", with the day when it is not today:
 * the moment the choice comes to, as a clock reads it, and in which zone.
 */
export function describeRecoversAt(at: number, now: number, zone: string): string {
  const d = new Date(at);
  const clock = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const sameDay = d.toDateString() === new Date(now).toDateString();
  const day = sameDay ? '' : `${d.toLocaleDateString(undefined, { weekday: 'short', month: 'short', day: 'numeric' })} `;
  return `Recovers at ${day}${clock} (${zone})`;
}

/** What the dialog says it read from a pasted message. */
function describeReading(reading: LimitReading, now: number): string {
  if (!reading.limit) return 'Not a limit message: choose the reason and time yourself.';
  const when = reading.recoveryAt === null ? 'no reset time in it' : `resets ${formatResetClock(reading.recoveryAt, now)}`;
  return `Read as ${humanize(reading.reason)}, ${when}.`;
}

/**
 * "Force exhaust" for one agent: the form below, sent as that agent's
 * exhaustion. When it closes, focus goes back to the button that opened it,
 * found again by agent id if the tile was re-mounted meanwhile (it re-sorted).
 */
export function ExhaustDialog() {
  const id = useFleetStore((s) => s.exhaustId);
  const agent = useFleetStore((s) => (s.exhaustId ? s.agents.get(s.exhaustId) : undefined));
  const api = useTransport();
  if (!id || !agent) return null;
  const close = () => useFleetStore.setState({ exhaustId: null });
  const submit = async (request: Omit<ForceExhaustRequest, 'id'>) =>
    (await runAction(() => api.forceExhaust({ id, ...request }))) ? null : useFleetStore.getState().notice;
  // Mounted only while open, and keyed by agent: every opening starts from the defaults.
  return (
    <ExhaustForm
      key={id}
      title={
        <>
          Force exhaust <bdi>{displayName(agent)}</bdi>
        </>
      }
      confirm="Exhaust agent"
      onClose={close}
      onSubmit={submit}
      returnFocus={() => findAgentControl(id, 'force-exhaust')}
    />
  );
}

/** What {@link ExhaustForm} is for: its title, its confirm button, and what sending does. */
export interface ExhaustFormProps {
  readonly title: ReactNode;
  readonly confirm: string;
  readonly onClose: () => void;
  /** Sends the exhaustion; resolves with the message to show when refused, null when done (the form closes). */
  readonly onSubmit: (request: Omit<ForceExhaustRequest, 'id'>) => Promise<string | null>;
  /** Where focus goes on closing when the control that opened the form is gone. */
  readonly returnFocus?: () => HTMLElement | null;
}

/**
 * The exhaustion form, for one agent or a selection: choose the reason (rate
 * limit by default) and when the agent comes back (in 5 hours by default;
 * presets or a custom time, its clock time and zone said below), confirmed
 * with the confirm button; or paste the agent's limit message, which fills
 * both (read by the same parser the port uses) and is recorded with the
 * exhaustion. Escape or Cancel closes; Enter confirms. Modal for the keyboard
 * too: Tab stays inside until it closes (useModal). A time further ahead
 * than the fleet's recovery horizon (`FLEET_MAX_RECOVERY_S`, from the
 * settings) is said to be so at once, and cannot be sent: the port would
 * refuse it.
 */
export function ExhaustForm({ title, confirm, onClose, onSubmit, returnFocus }: ExhaustFormProps) {
  const titleId = useId();
  const [reason, setReason] = useState<ExhaustReason>('rate_limit');
  const [preset, setPreset] = useState<number | 'custom'>(DEFAULT_PRESET);
  // The app may have been open for hours: the custom time starts from now each time.
  const [custom, setCustom] = useState(() => toLocalInput(readClock() + RECOVERY_PRESETS[DEFAULT_PRESET].ms));
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const [reading, setReading] = useState<LimitReading | null>(null);
  // The custom time the message filled in: while it stands, the port reads the time from the message itself.
  const [filled, setFilled] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Acting on a picture of the fleet the stream no longer keeps true: not while disconnected.
  const disconnected = useActionsDisabled();
  const [settings] = useSettings();
  const dialog = useRef<HTMLDivElement>(null);
  // Focus starts in the paste box: pasting the agent's message is the quickest way through.
  const first = useRef<HTMLTextAreaElement>(null);
  const close = onClose;
  useModal(dialog, close, first, returnFocus);

  const paste = (text: string) => {
    setMessage(text);
    if (text.trim() === '') {
      setReading(null);
      setFilled(null);
      return;
    }
    const now = readClock();
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
  const chosenAt = () => (preset === 'custom' ? new Date(custom).getTime() : readClock() + RECOVERY_PRESETS[preset]!.ms);
  const maxRecoveryS = settings?.limits.maxRecoveryS;
  const now = readClock();
  const tooFar = !fromMessage && maxRecoveryS !== undefined && isBeyondHorizon(chosenAt(), now, maxRecoveryS);
  const resultAt = fromMessage && reading?.limit && reading.recoveryAt !== null ? reading.recoveryAt : chosenAt();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (tooFar || busy) return;
    const recoveryAt = chosenAt();
    if (!fromMessage && (!Number.isFinite(recoveryAt) || recoveryAt <= readClock())) {
      setError('Choose a recovery time in the future.');
      return;
    }
    if (pasted !== undefined && utf8Length(pasted) > MAX_MESSAGE_BYTES) {
      setError('The message is longer than 16 KiB: paste the part with the limit.');
      return;
    }
    setBusy(true);
    const refused = await onSubmit({
      reason,
      ...(fromMessage ? {} : { recoveryAt }),
      ...(pasted !== undefined ? { message: pasted, tz: localZone() } : {}),
    });
    setBusy(false);
    if (refused === null) close();
    else setError(refused);
  };

  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div ref={dialog} role="dialog" aria-modal="true" aria-labelledby={titleId} className="dialog">
        <h2 id={titleId}>{title}</h2>
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
                {describeReading(reading, now)}
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
          {Number.isFinite(resultAt) && resultAt > now && (
            <p className="recovers-at muted" aria-live="polite">
              {describeRecoversAt(resultAt, now, localZone())}
            </p>
          )}
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
            <button type="submit" className="primary" disabled={busy || tooFar || disconnected} aria-describedby={tooFar ? `${titleId}-horizon` : undefined}>
              {confirm}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
