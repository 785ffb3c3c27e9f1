import { useEffect, useId, useRef, useState } from 'react';
import type { AlertChannel, AlertDelivery } from '../../../shared/alerts';
import type { Result } from '../../../shared/fleet-api';
import { useTransport } from './transport-context';

/** A command's argv as one line; arguments with spaces (or empty ones) quoted, so the parts stay visible. */
export function formatArgv(argv: readonly string[]): string {
  return argv.map((arg) => (arg === '' || /[\s"]/.test(arg) ? JSON.stringify(arg) : arg)).join(' ');
}

/** What "Send test" ended with, as a sentence. */
export function describeTest(result: Result<AlertDelivery>): string {
  if (!result.ok) return `Test not sent: ${result.error.message}`;
  const delivery = result.value;
  if (delivery.state === 'sent') return 'Test sent';
  return `Test failed: ${delivery.lastError ?? 'the receiver did not accept it'}`;
}

/** The channels, each with its target, "signed", its disabled reason, "Send test" and Delete. */
export function AlertChannelList({
  channels,
  ruleCounts,
  refresh,
  onDeleted,
}: {
  channels: readonly AlertChannel[];
  ruleCounts: ReadonlyMap<string, number>;
  refresh: () => Promise<void>;
  /** Called once a deleted channel's row is gone. */
  onDeleted: () => void;
}) {
  if (channels.length === 0) return <p className="muted">No channels yet: add one below.</p>;
  return (
    <ul className="alert-list">
      {channels.map((channel) => (
        <AlertChannelRow key={channel.id} channel={channel} rules={ruleCounts.get(channel.id) ?? 0} refresh={refresh} onDeleted={onDeleted} />
      ))}
    </ul>
  );
}

function AlertChannelRow({ channel, rules, refresh, onDeleted }: { channel: AlertChannel; rules: number; refresh: () => Promise<void>; onDeleted: () => void }) {
  const api = useTransport();
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const deleteRef = useRef<HTMLButtonElement>(null);
  const nameId = useId();
  // Focus follows the swap between Delete and its confirmation, so the keyboard is never dropped on <body>.
  const wasConfirming = useRef(false);
  useEffect(() => {
    if (confirming) cancelRef.current?.focus();
    else if (wasConfirming.current) deleteRef.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  const sendTest = async () => {
    setBusy(true);
    setStatus('Sending a test…');
    const result = await api.testAlertChannel(channel.id);
    setBusy(false);
    setStatus(describeTest(result));
    await refresh();
  };
  const remove = async () => {
    setBusy(true);
    const result = await api.deleteAlertChannel(channel.id);
    setBusy(false);
    setConfirming(false);
    if (!result.ok) setStatus(`Not deleted: ${result.error.message}`);
    await refresh();
    if (result.ok) onDeleted();
  };

  return (
    <li className="alert-channel" aria-labelledby={nameId} data-channel-id={channel.id}>
      <div className="alert-channel-head">
        <strong id={nameId}>{channel.name}</strong>
        <span className="alert-chip">{channel.kind}</span>
        {channel.hasSecret && <span className="alert-chip">signed</span>}
        {!channel.enabled && <span className="alert-chip alert-chip-off">disabled</span>}
      </div>
      <code className="alert-target">{channel.command ? formatArgv(channel.command) : channel.url}</code>
      {!channel.enabled && <p className="error">Disabled: {channel.disabledReason ?? 'turned off'}</p>}
      <div className="alert-actions">
        <button type="button" onClick={() => void sendTest()} disabled={busy}>
          Send test
        </button>
        {confirming ? (
          <>
            <span>
              Delete {channel.name}
              {rules > 0 ? ` and its ${rules === 1 ? 'rule' : `${rules} rules`}` : ''}?
            </span>
            <button type="button" className="danger-button" onClick={() => void remove()} disabled={busy}>
              Yes, delete
            </button>
            <button type="button" ref={cancelRef} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </>
        ) : (
          <button type="button" ref={deleteRef} className="danger-button" onClick={() => setConfirming(true)} disabled={busy}>
            Delete
          </button>
        )}
      </div>
      <p role="status" className="alert-status">
        {status}
      </p>
    </li>
  );
}
