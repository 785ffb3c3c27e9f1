/**
 * Headless entry: the Fleet Monitor core in plain Node, no Electron.
 * `npm run serve` builds and runs this file.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FleetError } from '../shared/errors';
import { ConfigError, loadConfig } from './core/config';
import { startFleetCore } from './core/fleet-core';

/** One line saying why the start failed and what to do. */
function startFailure(error: unknown, host: string, port: number): string {
  if (error instanceof FleetError) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return `port ${port} on ${host} is in use; set FLEET_PORT (or --port) to another port, or 0 for any free one`;
  if (code === 'EADDRNOTAVAIL') return `cannot listen on ${host}: no such local address; check FLEET_HOST (or --host)`;
  if (code === 'EACCES') return `not allowed to listen on ${host}:${port}; choose a port above 1023`;
  return error instanceof Error ? error.message : String(error);
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`fleet-monitor: ${error.message}`);
    process.exit(2);
  }

  let core;
  try {
    core = await startFleetCore(config, {
      uiDir: path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'renderer'),
      onError: (error) => console.error('fleet-monitor:', error),
    });
  } catch (error) {
    console.error(`fleet-monitor: ${startFailure(error, config.host, config.port)}`);
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    core.close().then(
      () => {
        console.log(`Fleet Monitor stopped (${signal})`);
        process.exit(0);
      },
      (error: unknown) => {
        console.error('fleet-monitor: error while stopping:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  // Printed only once the signal handlers are in place: whoever waits for these
  // lines may stop us at once.
  if (core.movedAside) {
    console.error(`fleet-monitor: the database ${config.dbPath} was unreadable (corrupt or not a database); it was moved to ${core.movedAside} and a new one started.`);
  }
  console.log(`Fleet Monitor database ${config.dbPath} (${core.service.count()} agents)`);
  console.log(
    `Fleet Monitor sweeping every ${config.sweepIntervalMs} ms; offline after ${config.heartbeatTimeoutS} s of silence`,
  );
  console.log(core.tokens.file ? `Fleet Monitor tokens in ${core.tokens.file}` : 'Fleet Monitor tokens from the environment');
  console.log(`Fleet Monitor listening on ${core.port.url}`);
  console.log(
    core.port.hasUi
      ? `Fleet Monitor UI: ${core.port.signInUrl()}`
      : 'Fleet Monitor UI not built; run `npm run build` to serve it',
  );
}

await main();
