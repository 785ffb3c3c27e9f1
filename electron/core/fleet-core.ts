import type { Clock } from '../../shared/clock';
import { DisposableStore, type Disposable } from '../../shared/disposable';
import { Alerts } from './alerts/alerts';
import { alertCommandsOverHttp, fleetLimits, type FleetConfig } from './config';
import { FleetService } from './fleet-service';
import { startAgentPort, type AgentPort } from './http/agent-port';
import { loadOrCreateTokens, type PortTokens } from './http/tokens';
import { Retention } from './retention';
import type { SqliteDatabase } from './store/open-database';
import { openFleetStore } from './store/open-store';
import { Sweeper, type TimerHost } from './sweeper';
import type { TimeoutHost } from './push-batcher';
import { systemClock, systemTimeouts, systemTimers } from './system-clock';

/** How long a plain heartbeat may wait to be written with others (group commit). */
export const HEARTBEAT_COMMIT_MS = 100;

export interface FleetCoreDeps {
  readonly clock?: Clock;
  readonly timers?: TimerHost;
  readonly timeouts?: TimeoutHost;
  /** The better-sqlite3 addon for this runtime (the desktop app's Electron build). */
  readonly nativeBinding?: string;
  readonly onError?: (error: unknown) => void;
  /** Where the core's notices go (an agent forgotten by retention); default: the console. */
  readonly log?: (line: string) => void;
  /** The built UI to serve at `/` (headless mode). */
  readonly uiDir?: string;
  /** Alert sending's jitter and per-attempt bound (tests fix them). */
  readonly alerts?: { readonly random?: () => number; readonly sendTimeoutMs?: number };
}

/** The running core: store, service, sweeper and agent port, owned together. */
export interface FleetCore extends Disposable {
  readonly config: FleetConfig;
  /** The clock every part of the core reads. */
  readonly clock: Clock;
  readonly db: SqliteDatabase;
  readonly service: FleetService;
  /** Alert channels, rules and their deliveries (issue 15). */
  readonly alerts: Alerts;
  readonly sweeper: Sweeper;
  /** Prunes history and forgets long-offline agents, at start and every minute. */
  readonly retention: Retention;
  readonly port: AgentPort;
  readonly tokens: PortTokens;
  /** Where a corrupt database was moved before a new one was started, if that happened. */
  readonly movedAside: string | null;
  /** Closes the port (waiting for it), then disposes the rest. */
  close(): Promise<void>;
}

/**
 * Starts the core the desktop app and `npm run serve` share. Everything it
 * starts is owned by one store and disposed together, newest first: the port
 * closes, retention and the sweeper stop, then the database checkpoints its WAL and closes.
 */
export async function startFleetCore(config: FleetConfig, deps: FleetCoreDeps = {}): Promise<FleetCore> {
  const clock = deps.clock ?? systemClock;
  const owned = new DisposableStore();
  try {
    const store = owned.add(openFleetStore(config.dbPath, deps.nativeBinding ? { nativeBinding: deps.nativeBinding } : {}));
    const { db } = store;
    // Before the service, which writes to its outbox in each status transaction; it stops after it.
    const alerts = owned.add(
      new Alerts(db, {
        clock,
        timeouts: deps.timeouts ?? systemTimeouts,
        ...deps.alerts,
        ...(deps.onError ? { onError: deps.onError } : {}),
      }),
    );
    const service = owned.add(
      new FleetService(db, clock, {
        outbox: alerts.outbox,
        heartbeatTimeoutMs: config.heartbeatTimeoutS * 1000,
        defaultRecoveryMs: config.defaultRecoveryS * 1000,
        maxAgents: config.maxAgents,
        maxRecoveryS: config.maxRecoveryS,
        // Group commit: plain heartbeats are written together, at most 100 ms after they are answered.
        heartbeatBatching: { timers: deps.timeouts ?? systemTimeouts, intervalMs: HEARTBEAT_COMMIT_MS },
      }),
    );
    const sweeper = owned.add(
      new Sweeper(service, clock, deps.timers ?? systemTimers, {
        intervalMs: config.sweepIntervalMs,
        heartbeatTimeoutMs: config.heartbeatTimeoutS * 1000,
        ...(deps.onError ? { onError: deps.onError } : {}),
      }),
    );
    sweeper.start();
    // What a crash left between a commit and its send goes now.
    alerts.start((id) => service.find(id), service.onDidChange);
    // Started before the port opens: a small database is pruned before anyone reads it, a big one batch by batch from here.
    const retention = owned.add(
      new Retention(service, clock, deps.timers ?? systemTimers, deps.timeouts ?? systemTimeouts, {
        limits: fleetLimits(config),
        ...(deps.log ? { log: deps.log } : {}),
        ...(deps.onError ? { onError: deps.onError } : {}),
      }),
    );
    retention.start();
    const tokens = loadOrCreateTokens(config.dbPath, {
      ...(config.agentToken ? { agentToken: config.agentToken } : {}),
      ...(config.operatorToken ? { operatorToken: config.operatorToken } : {}),
    });
    const port = owned.add(
      await startAgentPort(service, clock, {
        host: config.host,
        port: config.port,
        tokens,
        allowedHosts: config.allowedHosts,
        timings: config,
        limits: fleetLimits(config),
        alerts: { alerts, allowCommands: alertCommandsOverHttp(config) },
        ...(deps.uiDir ? { uiDir: deps.uiDir } : {}),
        ...(deps.onError ? { onError: deps.onError } : {}),
      }),
    );
    const close = async () => {
      await port.close();
      owned.dispose();
    };
    return { config, clock, db, service, alerts, sweeper, retention, port, tokens, movedAside: store.movedAside, close, dispose: () => owned.dispose() };
  } catch (error) {
    owned.dispose();
    throw error;
  }
}
