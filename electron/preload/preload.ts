// Sandboxed preload (bundled into one CommonJS file): exposes window.fleet.
import { contextBridge } from 'electron';
import { fleetBridge } from './fleet-bridge';

contextBridge.exposeInMainWorld('fleet', fleetBridge);
