import { useEffect, useState } from 'react';
import type { FleetSettings } from '../../../shared/fleet-api';
import { useTransport } from './transport-context';

/** The main side's settings, loaded once; `update` replaces them after a confirmed change. */
export function useSettings(): [FleetSettings | null, (next: FleetSettings) => void] {
  const api = useTransport();
  const [settings, setSettings] = useState<FleetSettings | null>(null);
  useEffect(() => {
    let live = true;
    void api.getSettings().then((result) => {
      if (live && result.ok) setSettings(result.value);
    });
    return () => {
      live = false;
    };
  }, [api]);
  return [settings, setSettings];
}
