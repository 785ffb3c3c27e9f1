import { useId, useState, type FormEvent } from 'react';
import { ALERT_CHANNEL_KINDS, type AlertChannelKind } from '../../../shared/alerts';
import { readChannel, type ChannelFields } from '../lib/alert-input';
import { useTransport } from './transport-context';
import { AlertFormActions } from './alert-form-actions';

const BLANK: ChannelFields = { name: '', kind: 'webhook', url: '', command: '', secret: '' };

/** What the URL is, per kind. */
const URL_HINTS: Readonly<Record<Exclude<AlertChannelKind, 'command'>, string>> = {
  webhook: 'Receives each alert as JSON in a POST.',
  slack: 'The incoming webhook URL Slack gave you (https://hooks.slack.com/services/…).',
  discord: 'The channel’s webhook URL (https://discord.com/api/webhooks/…).',
  ntfy: 'The topic URL, such as https://ntfy.sh/my-fleet.',
};

/** "Add channel": name, kind, then a URL, or for `command` its argv one argument per line; an optional signing secret. */
export function AlertChannelForm({ refresh }: { refresh: () => Promise<void> }) {
  const api = useTransport();
  const [fields, setFields] = useState<ChannelFields>(BLANK);
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  const [busy, setBusy] = useState(false);
  const id = useId();
  const set = (patch: Partial<ChannelFields>) => setFields((before) => ({ ...before, ...patch }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone('');
    const channel = readChannel(fields);
    if (!channel.ok) return setError(channel.message);
    setBusy(true);
    const result = await api.createAlertChannel(channel.value);
    setBusy(false);
    if (!result.ok) return setError(result.error.message);
    setError('');
    setFields(BLANK);
    setDone(`Channel ${result.value.name} added`);
    await refresh();
  };

  const command = fields.kind === 'command';
  return (
    // The main side checks every field; its messages show below, rather than the browser's own bubbles.
    <form className="alert-form" onSubmit={(e) => void submit(e)} noValidate>
      <fieldset>
        <legend>Add channel</legend>
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} value={fields.name} onChange={(e) => set({ name: e.target.value })} maxLength={100} required />
        <label htmlFor={`${id}-kind`}>Kind</label>
        <select id={`${id}-kind`} value={fields.kind} onChange={(e) => set({ kind: e.target.value as AlertChannelKind })}>
          {ALERT_CHANNEL_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {kind}
            </option>
          ))}
        </select>
        {command ? (
          <>
            <label htmlFor={`${id}-command`}>Command</label>
            <textarea id={`${id}-command`} value={fields.command} onChange={(e) => set({ command: e.target.value })} rows={3} aria-describedby={`${id}-command-hint`} spellCheck={false} />
            <p id={`${id}-command-hint`} className="alert-hint muted">
              One argument per line: the program first, then each of its arguments. It runs without a shell, so type each
              argument as it should arrive (no quotes). It gets the alert JSON on its standard input.
            </p>
          </>
        ) : (
          <>
            <label htmlFor={`${id}-url`}>URL</label>
            <input id={`${id}-url`} type="url" value={fields.url} onChange={(e) => set({ url: e.target.value })} aria-describedby={`${id}-url-hint`} spellCheck={false} />
            <p id={`${id}-url-hint`} className="alert-hint muted">
              {URL_HINTS[fields.kind as Exclude<AlertChannelKind, 'command'>]}
            </p>
          </>
        )}
        <label htmlFor={`${id}-secret`}>Secret (optional)</label>
        <input id={`${id}-secret`} type="password" value={fields.secret} onChange={(e) => set({ secret: e.target.value })} autoComplete="new-password" aria-describedby={`${id}-secret-hint`} />
        <p id={`${id}-secret-hint`} className="alert-hint muted">
          Signs each message: X-Fleet-Signature is sha256= and the HMAC-SHA256 of the body with this secret. It is never shown again.
        </p>
        <AlertFormActions label="Add channel" busy={busy} done={done} error={error} />
      </fieldset>
    </form>
  );
}
