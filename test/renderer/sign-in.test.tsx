// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readSessionToken, takeLinkSecret } from '../../renderer/src/lib/session-token';
import { resetFleetStore } from '../../renderer/src/store/fleet-store';
import { WebSession } from '../../renderer/src/transport/web-session';
import { WebApp } from '../../renderer/src/web-app';

const OPERATOR = 'operator-token-0123456789';
const AGENT = 'agent-token-0123456789';
const USED = 'This sign-in link was already used; each link works only once';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/**
 * The port as the page sees it: operator-only reads answer 403 for the agent
 * token and 401 for a stranger; `POST /v1/session` trades `good-code` once;
 * the stream sends an empty fleet and stays open.
 */
function fakePort() {
  const requests: { url: string; init: RequestInit | undefined }[] = [];
  let spent = false;
  const fetchFn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    requests.push({ url, init });
    const bearer = (init?.headers as Record<string, string> | undefined)?.authorization?.replace('Bearer ', '');
    if (url === '/v1/session') {
      const { code } = JSON.parse(String(init?.body)) as { code: string };
      if (code === 'good-code' && !spent) return (spent = true), json(200, { token: OPERATOR });
      return json(401, { error: { code: 'invalid_code', message: code === 'good-code' ? USED : 'This sign-in link was not made by this server' } });
    }
    if (bearer === AGENT) return json(403, { error: { code: 'forbidden', message: 'This endpoint needs the operator token' } });
    if (bearer !== OPERATOR) return json(401, { error: { code: 'unauthorized', message: 'The bearer token is not valid' } });
    if (url.startsWith('/v1/stream')) {
      const body = new ReadableStream<Uint8Array>({
        start: (c) => c.enqueue(new TextEncoder().encode('event: snapshot\ndata: {"agents":[]}\n\n')),
      });
      return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
    }
    return json(200, {});
  });
  return { fetchFn, requests };
}

let port: ReturnType<typeof fakePort>;
beforeEach(() => {
  resetFleetStore();
  window.sessionStorage.clear();
  window.history.replaceState(null, '', '/');
  port = fakePort();
  vi.stubGlobal('fetch', port.fetchFn);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const renderWebApp = (signingIn: ReturnType<WebSession['redeem']> | null, session = new WebSession(window.sessionStorage)) =>
  render(
    <StrictMode>
      <WebApp session={session} signingIn={signingIn} />
    </StrictMode>,
  );

const signInWith = (token: string) => {
  fireEvent.change(screen.getByLabelText('Operator token'), { target: { value: token } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
};

describe('the link in the address bar', () => {
  it.each([
    ['/#code=abc%2Dd', { kind: 'code', code: 'abc-d' }],
    ['/?x=1#token=t0k', { kind: 'token', token: 't0k' }],
  ])('%s: the secret is taken and the fragment leaves the address bar and the history entry', (link, secret) => {
    window.history.replaceState({ kept: true }, '', link);
    const before = window.history.length;
    expect(takeLinkSecret(window.location, window.history)).toEqual(secret);
    expect(window.location.href).not.toContain('#');
    expect(window.location.href).not.toContain(link.split('=')[1]!);
    expect(window.history.length).toBe(before);
    expect(window.history.state).toEqual({ kept: true });
  });

  it('a fragment without a secret is left alone', () => {
    window.history.replaceState(null, '', '/#details');
    expect(takeLinkSecret(window.location, window.history)).toBeNull();
    expect(window.location.hash).toBe('#details');
  });
});

describe('signing in (headless page)', () => {
  it('trades the link’s code once for the operator token, kept in the tab’s session storage, then shows the fleet', async () => {
    const session = new WebSession(window.sessionStorage);
    renderWebApp(session.redeem('good-code'), session);
    await screen.findByRole('heading', { name: 'No agents yet' });
    expect(readSessionToken(window.sessionStorage)).toBe(OPERATOR);
    expect(port.requests.filter((r) => r.url === '/v1/session')).toHaveLength(1);
    expect(port.requests.find((r) => r.url === '/v1/session')!.init?.headers).not.toHaveProperty('authorization');
  });

  it('a used code says so; the token field then signs in, first explaining the agent token’s refusal', async () => {
    const session = new WebSession(window.sessionStorage);
    await session.redeem('good-code');
    window.sessionStorage.clear();
    renderWebApp(session.redeem('good-code'), session);
    await screen.findByText(`${USED}. Paste the operator token instead.`);
    expect(screen.getByRole('alert').textContent).toContain('Sign in with the link Fleet Monitor printed');

    signInWith(AGENT);
    await screen.findByText("That is the agent token; Fleet Monitor's UI needs the operator token (Settings, or operator_token in tokens.json).");
    expect(readSessionToken(window.sessionStorage)).toBeNull();
    expect(screen.getByLabelText('Operator token').getAttribute('aria-describedby')).toBeTruthy();

    signInWith('not-a-token-of-this-server');
    await screen.findByText(/^That token is not valid for this Fleet Monitor/);

    signInWith(` ${OPERATOR}\n`);
    await screen.findByRole('heading', { name: 'No agents yet' });
    expect(readSessionToken(window.sessionStorage)).toBe(OPERATOR);
  });

  it('without a link or token: the sign-in page with the field; an unknown code says it was not made by this server', async () => {
    renderWebApp(null);
    expect(await screen.findByLabelText('Operator token')).toBeTruthy();
    // Masked, but no password field: a browser would offer to save the token into its (synced) passwords.
    const field = screen.getByLabelText('Operator token');
    expect(field.getAttribute('type')).toBe('text');
    expect(field.className).toContain('masked');
    expect(field.getAttribute('autocomplete')).toBe('off');
    expect(document.querySelector('input[type="password"]')).toBeNull();
    cleanup();
    resetFleetStore();
    const session = new WebSession(window.sessionStorage);
    renderWebApp(session.redeem('made-up'), session);
    await screen.findByText('This sign-in link was not made by this server. Paste the operator token instead.');
  });

  it('a stored token the port refuses signs the tab out with the reason, and the field signs in again', async () => {
    window.sessionStorage.setItem('fleet-monitor.operator-token', AGENT);
    renderWebApp(null);
    await screen.findByText("That is the agent token; Fleet Monitor's UI needs the operator token (Settings, or operator_token in tokens.json).");
    expect(readSessionToken(window.sessionStorage)).toBeNull();
    signInWith(OPERATOR);
    await screen.findByRole('heading', { name: 'No agents yet' });
  });

  it('a link pasted into the signed-out tab (a fragment change, no reload) leaves the address bar at once and is used', async () => {
    renderWebApp(null);
    await screen.findByLabelText('Operator token');
    window.location.hash = '#code=good-code';
    await waitFor(() => expect(window.location.href).not.toContain('good-code'));
    await screen.findByRole('heading', { name: 'No agents yet' });
    expect(readSessionToken(window.sessionStorage)).toBe(OPERATOR);
  });
});
