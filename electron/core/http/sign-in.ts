import { hash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Clock } from '../../../shared/clock';
import { describeIssue } from '../../../shared/http-schemas';
import { HttpError } from './http-error';
import { readJsonText, sendJson } from './http-io';

/**
 * One-time sign-in codes: what the link `serve` prints carries instead of the
 * operator token, so the token never lands in a terminal's scrollback, a log,
 * or the browser's history. The page trades a code once for the token
 * (`POST /v1/session`) and keeps the token in the tab's session storage.
 */

/** Where the page trades a code for the operator token. */
export const SESSION_PATH = '/v1/session';
/** Where an operator asks for a fresh sign-in link (for another browser, or when the printed one is spent). */
export const SESSION_CODES_PATH = '/v1/session/codes';
/** How long a code is good for, from the moment it was made. */
export const SIGN_IN_CODE_TTL_MS = 10 * 60_000;
/**
 * Codes remembered at once, live or spent: enough for a few links printed and
 * opened around a start, and a bound whatever asks for new ones. Past it the
 * oldest is forgotten (and then refused as unknown).
 */
export const MAX_SIGN_IN_CODES = 16;
/** A code and its JSON body are short; nothing longer is read. */
const MAX_SESSION_BODY_BYTES = 1024;

/** Why a code was refused. */
export type CodeRefusal = 'used' | 'expired' | 'unknown';

interface CodeEntry {
  readonly madeAt: number;
  readonly madeAtMonotonic: number;
  used: boolean;
}

/**
 * The codes this port made, by the SHA-256 of each: a lookup by digest shows in
 * its timing nothing of the code presented, and no code is kept in memory.
 * Each code is 256 bits from the OS CSPRNG, so guessing one is hopeless.
 */
export class SignInCodes {
  private readonly entries = new Map<string, CodeEntry>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = SIGN_IN_CODE_TTL_MS,
    private readonly capacity = MAX_SIGN_IN_CODES,
  ) {}

  /** How many codes are remembered (live, used or expired); never more than the capacity. */
  get size(): number {
    return this.entries.size;
  }

  /** A fresh code, good once within the TTL. */
  mint(): string {
    return this.remember().code;
  }

  /** A link to the UI at `baseUrl` carrying a fresh code, and when it stops working (epoch ms). */
  link(baseUrl: string): { url: string; expiresAt: number } {
    const { code, madeAt } = this.remember();
    return { url: `${baseUrl}/#code=${code}`, expiresAt: madeAt + this.ttlMs };
  }

  private remember(): { code: string; madeAt: number } {
    const code = randomBytes(32).toString('base64url');
    // Oldest first out: the map keeps insertion order.
    while (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    const madeAt = this.clock.now();
    this.entries.set(codeDigest(code), { madeAt, madeAtMonotonic: this.clock.monotonic(), used: false });
    return { code, madeAt };
  }

  /** Spends `code`: null when it was good (and is now used), else why it is refused. */
  redeem(code: string): CodeRefusal | null {
    const entry = this.entries.get(codeDigest(code));
    if (!entry) return 'unknown';
    if (entry.used) return 'used';
    // The longer of the two clocks' elapsed times counts: wall time runs on while the
    // machine sleeps (monotonic may not), and monotonic time runs on when the wall
    // clock is set back. Either way a code never outlives its ten minutes.
    const elapsed = Math.max(this.clock.now() - entry.madeAt, this.clock.monotonic() - entry.madeAtMonotonic);
    if (elapsed >= this.ttlMs) return 'expired';
    entry.used = true;
    return null;
  }
}

const REFUSALS: Readonly<Record<CodeRefusal, string>> = {
  used: 'This sign-in link was already used; each link works only once',
  expired: `This sign-in link has expired; a link works for ${SIGN_IN_CODE_TTL_MS / 60_000} minutes after it is printed`,
  unknown: 'This sign-in link was not made by this server (it may be from an earlier start)',
};

const sessionBodySchema = z.object({ code: z.string().min(1).max(256) });

/**
 * `POST /v1/session` `{"code": "…"}` → `{"token": "<operator token>"}`, with no
 * bearer token (the code is the credential). A used, expired or unknown code is
 * `401 invalid_code`, its message saying which. The body is parsed here, not
 * by the routes' caching parser, which would keep the code's text in memory.
 */
export async function answerSession(req: IncomingMessage, res: ServerResponse, codes: SignInCodes, operatorToken: string): Promise<void> {
  if (req.method !== 'POST') throw new HttpError('method_not_allowed', 'Use POST', { allow: 'POST' });
  const text = await readJsonText(req, MAX_SESSION_BODY_BYTES);
  let json: unknown;
  try {
    json = text === undefined ? {} : JSON.parse(text);
  } catch {
    throw new HttpError('bad_request', 'The body is not valid JSON');
  }
  const body = sessionBodySchema.safeParse(json);
  if (!body.success) throw new HttpError('bad_request', describeIssue(body.error));
  const refusal = codes.redeem(body.data.code);
  if (refusal) throw new HttpError('invalid_code', REFUSALS[refusal]);
  sendJson(res, 200, { token: operatorToken });
}

/**
 * `POST /v1/session/codes` (operator token, checked by the port) →
 * `{"url": "http://…/#code=…", "expires_at": "…"}`: a fresh one-time link.
 */
export async function answerNewCode(req: IncomingMessage, res: ServerResponse, codes: SignInCodes, baseUrl: string): Promise<void> {
  if (req.method !== 'POST') throw new HttpError('method_not_allowed', 'Use POST', { allow: 'POST' });
  await readJsonText(req, MAX_SESSION_BODY_BYTES); // a body, if any, follows the same rules as everywhere under /v1
  const { url, expiresAt } = codes.link(baseUrl);
  sendJson(res, 200, { url, expires_at: new Date(expiresAt).toISOString() });
}

function codeDigest(code: string): string {
  return hash('sha256', code, 'base64url');
}
