/**
 * Headless entry: the Fleet Monitor core in plain Node, no Electron.
 * `npm run serve` builds and runs this file.
 */
import { FleetError } from '../shared/errors';
import { ConfigError, loadConfig } from './core/config';
import { startFleetCore } from './core/fleet-core';

function main(): void {
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
    core = startFleetCore(config, { onError: (error) => console.error('fleet-monitor: sweep failed:', error) });
  } catch (error) {
    if (!(error instanceof FleetError)) throw error;
    console.error(`fleet-monitor: ${error.message}`);
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    try {
      core.dispose();
      console.log(`Fleet Monitor stopped (${signal})`);
      process.exit(0);
    } catch (error) {
      console.error('fleet-monitor: error while stopping:', error);
      process.exit(1);
    }
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  // Printed only once the signal handlers are in place: whoever waits for these
  // lines may stop us at once.
  console.log(`Fleet Monitor database ${config.dbPath} (${core.service.count()} agents)`);
  console.log(
    `Fleet Monitor sweeping every ${config.sweepIntervalMs} ms; offline after ${config.heartbeatTimeoutS} s of silence`,
  );
}

main();
