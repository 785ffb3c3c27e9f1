import { spawn } from 'node:child_process';
import { toSafeText } from '../../../shared/safe-text';
import type { OutgoingRequest } from './alert-message';

/** How one attempt went. `gone`: the receiver answered 410 (the channel is to be turned off). */
export type SendResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: string; readonly gone?: boolean; readonly retryAfterMs?: number | undefined };

/** How long one attempt may take, connecting to the whole answer (or a command's run). */
export const SEND_TIMEOUT_MS = 5_000;

/** What of a receiver's refusal is kept in `last_error`. */
const ERROR_TEXT = 300;

/** Retry-After in seconds or as an HTTP date, as milliseconds from now; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The start of a body as one safe line, reading no more than that from the socket. */
async function bodyStart(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < ERROR_TEXT * 4) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut short says no more than what came.
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  return toSafeText(Buffer.concat(chunks).toString('utf8').replace(/\s+/g, ' ').trim()).slice(0, ERROR_TEXT);
}

/**
 * POSTs one request to a receiver. A 2xx is delivered; 410 Gone means the
 * receiver wants no more (the channel is turned off); anything else, or no
 * answer within the timeout, is an error to retry. Redirects are not followed:
 * a webhook URL that moved is the operator's to update.
 */
export async function sendHttp(url: string, request: OutgoingRequest, now: number, timeoutMs = SEND_TIMEOUT_MS): Promise<SendResult> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: request.headers, body: request.body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if ((error as Error).name === 'TimeoutError') return { ok: false, error: `No answer within ${timeoutMs / 1000} s` };
    return { ok: false, error: `Cannot reach ${new URL(url).host}: ${cause?.code ?? cause?.message ?? (error as Error).message}` };
  }
  if (res.status >= 200 && res.status < 300) {
    void res.body?.cancel().catch(() => undefined);
    return { ok: true };
  }
  const text = await bodyStart(res);
  const error = `HTTP ${res.status}${text ? `: ${text}` : ''}`;
  if (res.status === 410) return { ok: false, error, gone: true };
  return { ok: false, error, retryAfterMs: res.status === 429 || res.status === 503 ? retryAfterMs(res.headers.get('retry-after'), now) : undefined };
}

/**
 * Runs a channel's program (no shell: argv as given) with the alert JSON on
 * stdin and the delivery id in `FLEET_DELIVERY_ID`. Exit 0 is delivered;
 * another exit, a signal, a program that cannot start or one still running
 * after the timeout (then killed) is an error to retry.
 */
export function runCommand(argv: readonly string[], stdin: string, deliveryId: string, timeoutMs = SEND_TIMEOUT_MS): Promise<SendResult> {
  return new Promise((resolve) => {
    const [program, ...args] = argv as [string, ...string[]];
    let stderr = '';
    let timedOut = false;
    const child = spawn(program, args, {
      shell: false,
      stdio: ['pipe', 'ignore', 'pipe'],
      env: { ...process.env, FLEET_DELIVERY_ID: deliveryId },
      windowsHide: true,
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < ERROR_TEXT * 4) stderr += chunk;
    });
    // A program that does not read its stdin must not fail the delivery by an EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ ok: false, error: `Cannot run ${program}: ${error.code ?? error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) return resolve({ ok: false, error: `${program} still running after ${timeoutMs / 1000} s: killed` });
      if (code === 0) return resolve({ ok: true });
      const said = toSafeText(stderr.replace(/\s+/g, ' ').trim()).slice(0, ERROR_TEXT);
      resolve({ ok: false, error: `${program} ${code === null ? `ended by ${signal}` : `exited with ${code}`}${said ? `: ${said}` : ''}` });
    });
  });
}
