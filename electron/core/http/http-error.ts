import { ZodError } from 'zod';
import { describeIssue } from '../../../shared/http-schemas';
import { FleetError, type ErrorCode } from '../../../shared/errors';

/** HTTP status of each stable error code. */
export const STATUS_OF: Readonly<Record<ErrorCode, number>> = {
  bad_request: 400,
  unauthorized: 401,
  invalid_code: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  invalid_transition: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  request_timeout: 408,
  headers_too_large: 431,
  too_many_streams: 429,
  too_many_agents: 429,
  internal: 500,
  storage_error: 503,
};

/** An error the port answers with `{"error": {"code", "message"}}`. */
export class HttpError extends FleetError {
  constructor(
    code: ErrorCode,
    message: string,
    /** Extra response headers, e.g. `Allow` on a 405. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(code, message);
  }

  get status(): number {
    return STATUS_OF[this.code];
  }
}

/** SQLite result codes that mean "the store can't take writes right now", not a bug. */
const STORAGE_CODES = /^SQLITE_(FULL|READONLY|BUSY|LOCKED|IOERR|CANTOPEN|CORRUPT|NOTADB)/;

/**
 * Maps anything thrown by a handler to an {@link HttpError}. Unknown errors
 * become `internal` with a generic message (details go to the log, not to the caller).
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof FleetError) return new HttpError(error.code, error.message);
  if (error instanceof ZodError) return new HttpError('bad_request', describeIssue(error));
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && STORAGE_CODES.test(code)) {
    return new HttpError('storage_error', `The database cannot be written right now (${code}); try again later`);
  }
  return new HttpError('internal', 'Internal error');
}
