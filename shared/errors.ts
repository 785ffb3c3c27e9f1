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
