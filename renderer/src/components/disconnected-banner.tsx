import { formatClock24 } from '../lib/format';
import { useFleetStore } from '../store/fleet-store';

/**
 * While the stream is down: "Disconnected — showing the fleet as of
 * HH:MM:SS" (local, 24-hour), the moment it dropped. Ages stop there and
 * actions rest until it is back (clock-store, useActionsDisabled).
 */
export function DisconnectedBanner() {
  const at = useFleetStore((s) => (s.connection === 'unreachable' ? s.disconnectedAt : null));
  if (at === null) return null;
  return (
    <div className="disconnected" role="alert">
      Disconnected — showing the fleet as of {formatClock24(at)}
    </div>
  );
}
