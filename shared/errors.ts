import { horizonMessage } from './recovery-horizon';
import type { AgentStatus } from './status';

/**
 * Stable error codes shared by the HTTP port, IPC and the UI. A code never
 * changes meaning; new failures get new codes.
 */
export const ERROR_CODES = [
  'bad_request',
  'unauthorized',
  /** A sign-in code that was used, has expired, or was never made (the message says which). */
  'invalid_code',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'invalid_transition',
  'payload_too_large',
  'unsupported_media_type',
  'request_timeout',
  'headers_too_large',
  'too_many_streams',
  'too_many_agents',
  'storage_error',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The serialisable shape of an error on every boundary. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

/** Base class for errors the app expects and reports with a stable code. */
export class FleetError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}

/**
 * A move the status rules refuse. The message keeps the reference format,
 * e.g. `Agent 'a1' is busy; expected one of [idle]`.
 */
export class InvalidTransitionError extends FleetError {
  constructor(
    readonly agentId: string,
    readonly status: AgentStatus,
    readonly expected: readonly AgentStatus[],
  ) {
    super('invalid_transition', `Agent '${agentId}' is ${status}; expected one of [${expected.join(', ')}]`);
  }
}

/** The agent asked for does not exist. */
export class AgentNotFoundError extends FleetError {
  constructor(readonly agentId: string) {
    super('not_found', `Agent '${agentId}' not found`);
  }
}

/** A registration the fleet has no room for: it holds `FLEET_MAX_AGENTS` agents already. */
export class TooManyAgentsError extends FleetError {
  constructor(
    readonly agentId: string,
    readonly maxAgents: number,
  ) {
    super(
      'too_many_agents',
      `Agent '${agentId}' cannot be registered: the fleet holds its maximum of ${maxAgents} agents (FLEET_MAX_AGENTS); forget some first`,
    );
  }
}

/** A given recovery time further ahead than the horizon (`FLEET_MAX_RECOVERY_S`); a `bad_request`. */
export class RecoveryTooFarError extends FleetError {
  constructor(readonly maxRecoveryS: number) {
    super('bad_request', horizonMessage(maxRecoveryS));
  }
}
