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

/** A 204: no body, the usual security headers and `headers`. */
export function sendNoContent(res: ServerResponse, headers?: Readonly<Record<string, string>>): void {
  res.writeHead(204, { ...SECURITY_HEADERS, ...headers });
  res.end();
}

/** Sends the error shape `{"error": {"code", "message"}}`. */
export function sendError(res: ServerResponse, error: HttpError): void {
  sendJson(res, error.status, { error: error.toInfo() }, error.headers);
}

/** Reads the whole body, refusing it past `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpError('payload_too_large', `The body is over ${limit} bytes`, CLOSE));
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    // The client went away or was cut by the request timeout: not our failure, nothing to log.
    req.on('error', () => reject(new HttpError('bad_request', 'The request body did not arrive', CLOSE)));
    req.on('close', () => {
      if (!req.complete) reject(new HttpError('bad_request', 'The request body did not arrive', CLOSE));
    });
  });
}

/** A refused body is not read; closing the connection spares us reading the rest of it. */
const CLOSE = { connection: 'close' } as const;

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}

/**
 * Reads a JSON body's text: undefined when there is none (or only
 * whitespace); 415 when it is not `application/json`; 413 past
 * `limit` bytes, {@link MAX_BODY_BYTES} unless the route says otherwise
 * (checked against Content-Length before reading, and while reading); 400 for
 * invalid UTF-8. Parsing is the route's JsonBodyParser's, which remembers
 * bodies it has seen.
 */
export async function readJsonText(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string | undefined> {
  if (!hasBody(req)) return undefined;
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError('unsupported_media_type', 'The body must be application/json', CLOSE);
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    throw new HttpError('payload_too_large', `The body is over ${limit} bytes`, CLOSE);
  }
  const body = await readBody(req, limit);
  if (!isUtf8(body)) throw new HttpError('bad_request', 'The body is not valid UTF-8');
  const text = body.toString('utf8');
  return text.trim() === '' ? undefined : text;
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
