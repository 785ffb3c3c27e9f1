import type { ErrorInfo } from '../../../shared/errors';
import { describeRefusal } from '../lib/sign-in-refusal';
import { dropSessionToken, keepSessionToken, readSessionToken } from '../lib/session-token';

/** A sign-in attempt's outcome: the operator token, or what to tell the operator. */
export type SignInResult = { readonly ok: true; readonly token: string } | { readonly ok: false; readonly message: string };

/**
 * The headless page's session: the operator token kept in the tab's session
 * storage, got by trading a link's one-time code (`POST /v1/session`) or by a
 * pasted token the port accepts as the operator's.
 */
export class WebSession {
  constructor(
    private readonly storage: Storage,
    private readonly base = '',
    private readonly fetchFn: typeof fetch = (...args) => fetch(...args),
  ) {}

  /** The tab's token, if it has one. */
  get token(): string | null {
    return readSessionToken(this.storage);
  }

  /** Keeps a token as the tab's (a `#token=` link: the port will say if it is wrong). */
  keep(token: string): string {
    keepSessionToken(this.storage, token);
    return token;
  }

  /** Forgets the tab's token (the port refused it). */
  drop(): void {
    dropSessionToken(this.storage);
  }

  /** Trades a link's one-time code for the operator token. */
  redeem(code: string): Promise<SignInResult> {
    return this.attempt(
      () => this.fetchFn(`${this.base}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) }),
      (json) => (json as { token?: unknown }).token,
    );
  }

  /** Signs in with a pasted token, once the port has taken it as the operator's (an operator-only read). */
  signIn(pasted: string): Promise<SignInResult> {
    const token = pasted.trim();
    if (!token) return Promise.resolve({ ok: false, message: 'Paste the operator token first.' });
    return this.attempt(
      () => this.fetchFn(`${this.base}/v1/settings`, { headers: { authorization: `Bearer ${token}` } }),
      () => token,
    );
  }

  private async attempt(send: () => Promise<Response>, tokenOf: (json: unknown) => unknown): Promise<SignInResult> {
    let res: Response;
    try {
      res = await send();
    } catch {
      return { ok: false, message: 'Fleet Monitor cannot be reached; is it still running?' };
    }
    const json = (await res.json().catch(() => null)) as { error?: ErrorInfo } | null;
    const token = res.ok && json ? tokenOf(json) : undefined;
    if (typeof token === 'string' && token) return { ok: true, token: this.keep(token) };
    return { ok: false, message: describeRefusal(res.status, json?.error) };
  }
}
