import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { writeChunks, type BodyChunk } from './chunked-write';
import { HttpError } from './http-error';

/** Largest request body accepted. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Sent with every answer of the port. */
export const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

/** Sends `body` as JSON with `status`. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Readonly<Record<string, string>>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** A 204 with the usual security headers and `headers`: the header set is made once, not per reply. */
export function noContent(headers?: Readonly<Record<string, string>>): (res: ServerResponse) => void {
  const all = { ...SECURITY_HEADERS, ...headers };
  return (res) => {
    res.writeHead(204, all);
    res.end();
  };
}

/** Sends the error shape `{"error": {"code", "message"}}`. */
export function sendError(res: ServerResponse, error: HttpError): void {
  sendJson(res, error.status, { error: error.toInfo() }, error.headers);
}

/** Called once with a body's text (undefined when there is none, or only whitespace), or with why it was refused. */
export type BodyCallback = (error: HttpError | null, text: string | undefined) => void;

/** A refused body is not read; closing the connection spares us reading the rest of it. */
const CLOSE = { connection: 'close' } as const;

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}

/**
 * Reads a JSON body's text and calls `done` once: with undefined when there
 * is none (or only whitespace), at once; 415 when it is not
 * `application/json`; 413 past `limit` bytes, {@link MAX_BODY_BYTES} unless
 * the route says otherwise (checked against Content-Length before reading,
 * and while reading); 400 for invalid UTF-8 or a body that never fully
 * arrives. Parsing is the route's JsonBodyParser's, which remembers bodies it
 * has seen. A callback, not a promise: this is on every heartbeat's path.
 */
export function readJsonBody(req: IncomingMessage, limit: number, done: BodyCallback): void {
  if (!hasBody(req)) return done(null, undefined);
  const type = req.headers['content-type'];
  // The type every sender of ours writes, without splitting it; any other spelling is parsed.
  if (type !== 'application/json' && type?.split(';')[0]?.trim().toLowerCase() !== 'application/json') {
    return done(new HttpError('unsupported_media_type', 'The body must be application/json', CLOSE), undefined);
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return done(new HttpError('payload_too_large', `The body is over ${limit} bytes`, CLOSE), undefined);
  }
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  let size = 0;
  let settled = false;
  const settle = (error: HttpError | null, text: string | undefined) => {
    if (settled) return;
    settled = true;
    done(error, text);
  };
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      req.removeAllListeners('data');
      req.resume();
      settle(new HttpError('payload_too_large', `The body is over ${limit} bytes`, CLOSE), undefined);
    } else if (first === undefined) first = chunk;
    else (more ??= [first]).push(chunk);
  });
  req.on('end', () => {
    const body = more ? Buffer.concat(more) : (first ?? Buffer.alloc(0));
    if (!isUtf8(body)) return settle(new HttpError('bad_request', 'The body is not valid UTF-8'), undefined);
    const text = body.toString('utf8');
    settle(null, text.trim() === '' ? undefined : text);
  });
  // The client went away or was cut by the request timeout: not our failure, nothing to log.
  const lost = () => settle(new HttpError('bad_request', 'The request body did not arrive', CLOSE), undefined);
  req.on('error', lost);
  req.on('close', () => {
    if (!req.complete) lost();
  });
}

/** {@link readJsonBody} as a promise, for the routes off the heartbeat's path. */
export function readJsonText(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string | undefined> {
  return new Promise((resolve, reject) => readJsonBody(req, limit, (error, text) => (error ? reject(error) : resolve(text))));
}

/** A reply too large to build whole: its JSON as chunks, made as they are sent. */
export class ChunkedJson {
  constructor(readonly chunks: Iterator<BodyChunk>) {}
}

/**
 * Sends a JSON body made of `chunks` (chunked transfer encoding, no
 * Content-Length), never holding it whole: see {@link writeChunks}. The
 * first chunk is made before the headers go out, so a read that fails at
 * once is still answered with its error; a later failure cuts the
 * connection, which a client sees as a truncated body, never as a whole one.
 */
export async function sendJsonChunks(res: ServerResponse, status: number, chunks: Iterator<BodyChunk>): Promise<void> {
  const first = chunks.next();
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' });
  if (first.done) return void res.end();
  res.write(first.value);
  if (await writeChunks(res, chunks)) res.end();
}
