import { useCallback, useEffect, useRef, useState } from 'react';
import type { AlertChannel, AlertDelivery, AlertRule } from '../../../shared/alerts';
import { useNow } from '../store/clock-store';
import { useTransport } from './transport-context';

/** How often the lists are read again while Settings is open: deliveries move on their own (retries, a 410 disabling a channel). */
export const ALERTS_REFRESH_MS = 3_000;
/** How many of the newest deliveries Settings shows. */
export const DELIVERIES_SHOWN = 20;

/** The alert lists as last read (null until the first answer), and why the last read failed. */
export interface AlertLists {
  readonly channels: readonly AlertChannel[] | null;
  readonly rules: readonly AlertRule[] | null;
  readonly deliveries: readonly AlertDelivery[] | null;
  readonly error: string | null;
}

const EMPTY: AlertLists = { channels: null, rules: null, deliveries: null, error: null };

/**
 * Channels, rules and the newest deliveries, read on mount, every
 * {@link ALERTS_REFRESH_MS} of the shared clock (so tests drive it by setting
 * the clock) and whenever `refresh` is called (after each action). Only the
 * newest read is applied, so a slow answer never overwrites a newer one.
 */
export function useAlerts(): [AlertLists, () => Promise<void>] {
  const api = useTransport();
  const [lists, setLists] = useState<AlertLists>(EMPTY);
  const latest = useRef(0);
  const live = useRef(true);
  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);

  const refresh = useCallback(async () => {
    const seq = ++latest.current;
    const [channels, rules, deliveries] = await Promise.all([api.listAlertChannels(), api.listAlertRules(), api.listAlertDeliveries(DELIVERIES_SHOWN)]);
    if (!live.current || seq !== latest.current) return;
    const failed = [channels, rules, deliveries].find((result) => !result.ok);
    setLists((before) => ({
      channels: channels.ok ? channels.value : before.channels,
      rules: rules.ok ? rules.value : before.rules,
      deliveries: deliveries.ok ? deliveries.value : before.deliveries,
      error: failed && !failed.ok ? failed.error.message : null,
    }));
  }, [api]);

  const round = Math.floor(useNow() / ALERTS_REFRESH_MS);
  useEffect(() => {
    void refresh();
  }, [refresh, round]);

  return [lists, refresh];
}
