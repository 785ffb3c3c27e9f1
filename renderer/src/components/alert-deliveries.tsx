import type { AlertChannel, AlertDelivery } from '../../../shared/alerts';
import { formatCountdown, formatTime } from '../lib/format';
import { useNow } from '../store/clock-store';

/** A delivery's state as read: "sent", "failed", or "pending, next try in 4 s". */
export function describeState(delivery: AlertDelivery, now: number): string {
  if (delivery.state !== 'pending' || delivery.nextAttemptAt === null) return delivery.state;
  return `pending, next try ${formatCountdown(delivery.nextAttemptAt, now)}`;
}

/** The newest deliveries (test messages too): when, where, state, attempts, last error, summary. */
export function AlertDeliveryList({ labelledBy, deliveries, channels }: { labelledBy: string; deliveries: readonly AlertDelivery[]; channels: readonly AlertChannel[] }) {
  const now = useNow();
  if (deliveries.length === 0) return <p className="muted">No deliveries yet.</p>;
  const names = new Map(channels.map((channel) => [channel.id, channel.name]));
  return (
    <table className="alert-table" aria-labelledby={labelledBy}>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Channel</th>
          <th scope="col">State</th>
          <th scope="col">Attempts</th>
          <th scope="col">Last error</th>
          <th scope="col">Summary</th>
        </tr>
      </thead>
      <tbody>
        {deliveries.map((delivery) => (
          <tr key={delivery.id} data-delivery-id={delivery.id} data-state={delivery.state}>
            <td>{formatTime(delivery.sentAt ?? delivery.createdAt)}</td>
            <td>{names.get(delivery.channelId) ?? delivery.channelId}</td>
            <td className={delivery.state === 'failed' ? 'error' : undefined}>{describeState(delivery, now)}</td>
            <td>{delivery.attempts}</td>
            <td>{delivery.lastError ?? ''}</td>
            <td>
              {delivery.test && (
                <>
                  <span className="alert-chip">test</span>{' '}
                </>
              )}
              {delivery.summary}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
