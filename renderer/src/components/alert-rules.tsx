import { useId, useState, type FormEvent } from 'react';
import { ALERT_TRIGGERS, DEFAULT_COALESCE_S, MIN_REPEAT_S, type AlertChannel, type AlertRule, type AlertTrigger } from '../../../shared/alerts';
import { describeRepeat, formatSelector, readRule } from '../lib/alert-input';
import { formatDuration } from '../lib/format';
import { useTransport } from './transport-context';
import { AlertFormActions } from './alert-form-actions';

/** The rules: channel, changes, selector, coalescing window, repeat; each with Delete. */
export function AlertRuleList({
  labelledBy,
  rules,
  channels,
  refresh,
  onDeleted,
}: {
  labelledBy: string;
  rules: readonly AlertRule[];
  channels: readonly AlertChannel[];
  refresh: () => Promise<void>;
  /** Called once a deleted rule's row is gone. */
  onDeleted: () => void;
}) {
  const api = useTransport();
  const [error, setError] = useState('');
  if (rules.length === 0) return <p className="muted">No rules yet: nothing is sent until a rule sends it.</p>;
  const names = new Map(channels.map((channel) => [channel.id, channel.name]));

  const remove = async (id: string) => {
    const result = await api.deleteAlertRule(id);
    setError(result.ok ? '' : `Not deleted: ${result.error.message}`);
    await refresh();
    if (result.ok) onDeleted();
  };

  return (
    <>
      <table className="alert-table" aria-labelledby={labelledBy}>
        <thead>
          <tr>
            <th scope="col">Channel</th>
            <th scope="col">On</th>
            <th scope="col">Agents</th>
            <th scope="col">Coalesce</th>
            <th scope="col">Repeat</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rules.map((rule) => (
            <tr key={rule.id} data-rule-id={rule.id}>
              <td>{names.get(rule.channelId) ?? rule.channelId}</td>
              <td>{rule.on.join(', ')}</td>
              <td>{rule.selector === null ? <span className="muted">every agent</span> : <code>{formatSelector(rule.selector)}</code>}</td>
              <td>{formatDuration(rule.coalesceS * 1000)}</td>
              <td>{describeRepeat(rule, formatDuration)}</td>
              <td>
                <button type="button" className="danger-button" onClick={() => void remove(rule.id)}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p role="alert" className="error">
        {error}
      </p>
    </>
  );
}

/** "Add rule": a channel, the changes, an optional selector, the coalescing window and an optional repeat. */
export function AlertRuleForm({ channels, refresh }: { channels: readonly AlertChannel[]; refresh: () => Promise<void> }) {
  const api = useTransport();
  const [chosen, setChosen] = useState('');
  const [on, setOn] = useState<readonly AlertTrigger[]>(['offline', 'exhausted']);
  const [selector, setSelector] = useState('');
  const [coalesce, setCoalesce] = useState(String(DEFAULT_COALESCE_S));
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  const [busy, setBusy] = useState(false);
  const id = useId();
  // The first channel until the operator picks one (or theirs is deleted).
  const channelId = channels.some((channel) => channel.id === chosen) ? chosen : (channels[0]?.id ?? '');

  const toggle = (trigger: AlertTrigger, checked: boolean) =>
    setOn((before) => ALERT_TRIGGERS.filter((t) => (t === trigger ? checked : before.includes(t))));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone('');
    const rule = readRule({ channelId, on, selector, coalesce, repeat });
    if (!rule.ok) return setError(rule.message);
    setBusy(true);
    const result = await api.createAlertRule(rule.value);
    setBusy(false);
    if (!result.ok) return setError(result.error.message);
    setError('');
    setSelector('');
    setRepeat('');
    setDone('Rule added');
    await refresh();
  };

  return (
    <form className="alert-form" onSubmit={(e) => void submit(e)} noValidate>
      <fieldset>
        <legend>Add rule</legend>
        <label htmlFor={`${id}-channel`}>Channel</label>
        <select id={`${id}-channel`} value={channelId} onChange={(e) => setChosen(e.target.value)} disabled={channels.length === 0}>
          {channels.length === 0 && <option value="">No channels yet</option>}
          {channels.map((channel) => (
            <option key={channel.id} value={channel.id}>
              {channel.name}
            </option>
          ))}
        </select>
        <fieldset className="alert-triggers">
          <legend>Alert on</legend>
          {ALERT_TRIGGERS.map((trigger) => (
            <label key={trigger}>
              <input type="checkbox" checked={on.includes(trigger)} onChange={(e) => toggle(trigger, e.target.checked)} /> {trigger}
            </label>
          ))}
        </fieldset>
        <label htmlFor={`${id}-selector`}>Agents with labels</label>
        <input id={`${id}-selector`} value={selector} onChange={(e) => setSelector(e.target.value)} placeholder="team=infra region=eu" aria-describedby={`${id}-selector-hint`} spellCheck={false} />
        <p id={`${id}-selector-hint`} className="alert-hint muted">
          key=value pairs separated by spaces; an agent must have all of them. Empty: every agent.
        </p>
        <label htmlFor={`${id}-coalesce`}>Coalesce (seconds)</label>
        <input id={`${id}-coalesce`} type="number" min={0} step={1} inputMode="numeric" value={coalesce} onChange={(e) => setCoalesce(e.target.value)} aria-describedby={`${id}-coalesce-hint`} />
        <p id={`${id}-coalesce-hint`} className="alert-hint muted">
          One message for all the changes within this window.
        </p>
        <label htmlFor={`${id}-repeat`}>Repeat (seconds, optional)</label>
        <input id={`${id}-repeat`} type="number" min={MIN_REPEAT_S} step={1} inputMode="numeric" value={repeat} onChange={(e) => setRepeat(e.target.value)} aria-describedby={`${id}-repeat-hint`} />
        <p id={`${id}-repeat-hint`} className="alert-hint muted">
          Remind this often while an agent stays offline or exhausted (at least {MIN_REPEAT_S}). Empty: never.
        </p>
        <AlertFormActions label="Add rule" busy={busy} done={done} error={error} />
      </fieldset>
    </form>
  );
}
