import http, { type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { HttpError } from './http-error';
import { SECURITY_HEADERS } from './http-io';

/**
 * The agent port's `clientError` handler: a request Node's HTTP parser
 * refused (malformed, headers too large, too slow) gets the same
 * `{"error": {"code", "message"}}` answer as every other refusal, then the
 * connection is closed.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  const inFlight = (socket as { _httpMessage?: ServerResponse | null })._httpMessage;
  if (inFlight && !inFlight.writableEnded && inFlight.req.complete) {
    // The bad bytes came after a whole request that is still being answered: that
    // answer is the one the client waits for (a 400 now would report a failure for a
    // request that may still succeed). It goes out with `connection: close`, so the
    // connection ends with it; an answer already under way (an event stream) goes on
    // until the client leaves. (A timeout, or a request that is itself malformed, is
    // answered below.)
    if (!inFlight.headersSent) inFlight.setHeader('connection', 'close');
    return;
  }
  // An answer to HEAD has no body; the bytes Node could not parse may still have said HEAD.
  const toHead = (error as { rawPacket?: Buffer }).rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';
  if (socket.writable) socket.end(rawErrorResponse(clientErrorOf(error), toHead));
  else socket.destroy();
}

/** The error for a request Node's parser refused: too slow, headers too large, or malformed. */
function clientErrorOf(error: NodeJS.ErrnoException): HttpError {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return new HttpError('request_timeout', 'The request did not arrive in time');
  if (error.code === 'HPE_HEADER_OVERFLOW') return new HttpError('headers_too_large', 'The request headers are too large');
  return new HttpError('bad_request', 'The request is not valid HTTP/1.1');
}

/** A whole HTTP/1.1 response for a socket Node's server no longer writes to. */
function rawErrorResponse(error: HttpError, toHead: boolean): string {
  const body = JSON.stringify({ error: error.toInfo() });
  const head = [
    `HTTP/1.1 ${error.status} ${http.STATUS_CODES[error.status]}`,
    ...Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}`),
    'connection: close',
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
  ];
  return `${head.join('\r\n')}\r\n\r\n${toHead ? '' : body}`;
}
