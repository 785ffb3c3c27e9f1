import { DEFAULT_LIMITS, type FleetLimits } from '../../shared/fleet-api';
import { startAgentPort, type AgentPort } from '../../electron/core/http/agent-port';
import type { EventStreamOptions } from '../../electron/core/http/event-stream';
import { createFleet, type Fleet } from './fleet-fixture';
import { request, type RawRequest, type RawResponse } from './http-client';

export const AGENT_TOKEN = 'agent-token-0123456789abcdef';
export const OPERATOR_TOKEN = 'operator-token-0123456789abcdef';

export interface PortFixture extends Fleet {
  readonly port: AgentPort;
  /** A request with the agent token unless headers say otherwise. */
  call(req: RawRequest, timeoutMs?: number): Promise<RawResponse>;
  /** A request with the operator token. */
  operator(req: RawRequest, timeoutMs?: number): Promise<RawResponse>;
  stop(): Promise<void>;
}

/**
 * A real agent port on 127.0.0.1, port 0, over an in-memory fleet with a fake
 * clock; with `groupCommit`, plain heartbeats wait for the fake group-commit timer, as in the app.
 */
export async function startPortFixture(
  options: {
    allowedHosts?: string[];
    uiDir?: string;
    groupCommit?: boolean;
    maxAgents?: number;
    maxRecoveryS?: number;
    limits?: Partial<FleetLimits>;
    stream?: EventStreamOptions;
  } = {},
): Promise<PortFixture> {
  const { maxAgents, maxRecoveryS } = options;
  const fleet = createFleet({ groupCommit: options.groupCommit ?? false, ...(maxAgents ? { maxAgents } : {}), ...(maxRecoveryS ? { maxRecoveryS } : {}) });
  const port = await startAgentPort(fleet.service, fleet.clock, {
    host: '127.0.0.1',
    port: 0,
    tokens: { agentToken: AGENT_TOKEN, operatorToken: OPERATOR_TOKEN, file: null },
    allowedHosts: options.allowedHosts ?? [],
    headersTimeoutMs: 1_000,
    requestTimeoutMs: 2_000,
    timings: { heartbeatTimeoutS: 120, sweepIntervalMs: 1000, defaultRecoveryS: 18_000 },
    ...(options.uiDir ? { uiDir: options.uiDir } : {}),
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    ...(options.stream ? { stream: options.stream } : {}),
  });
  const withToken = (token: string) => (req: RawRequest, timeoutMs?: number) =>
    request(port.port, { ...req, headers: { authorization: `Bearer ${token}`, ...req.headers } }, timeoutMs);
  return {
    ...fleet,
    port,
    call: withToken(AGENT_TOKEN),
    operator: withToken(OPERATOR_TOKEN),
    stop: async () => {
      await port.close();
      fleet.close();
    },
  };
}
