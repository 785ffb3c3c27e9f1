import { createContext, useContext } from 'react';
import type { FleetApi } from '../../../shared/fleet-api';

export const TransportContext = createContext<FleetApi | null>(null);

/** The transport the app was started with (bridge or HTTP); components never know which. */
export function useTransport(): FleetApi {
  const transport = useContext(TransportContext);
  if (!transport) throw new Error('useTransport outside <TransportContext.Provider>');
  return transport;
}
