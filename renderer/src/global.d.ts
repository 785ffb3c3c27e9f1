import type { FleetApi } from '../../shared/fleet-api';

declare global {
  interface Window {
    /** The desktop app's preload bridge; absent in a browser. */
    readonly fleet?: FleetApi;
  }
}
