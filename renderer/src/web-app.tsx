import { useCallback, useEffect, useMemo, useState } from 'react';
import { App } from './app';
import { SignIn } from './components/sign-in';
import { takeLinkSecret } from './lib/session-token';
import { applyDelta, useFleetStore } from './store/fleet-store';
import { HttpTransport, type StreamTrouble } from './transport/http-transport';
import type { SignInResult, WebSession } from './transport/web-session';

export interface WebAppProps {
  readonly session: WebSession;
  /**
   * The trade of the link's one-time code, started before the first render (a
   * code works once: a remount must not spend it again); null without a code.
   */
  readonly signingIn: Promise<SignInResult> | null;
}

/**
 * The headless page: signs in (a link's code traded, or a pasted token), then
 * the operator UI over HTTP with the tab's token. Each sign-in starts the UI
 * afresh with its own transport and stream.
 */
export function WebApp({ session, signingIn }: WebAppProps) {
  const [token, setToken] = useState<string | null>(() => (signingIn ? null : session.token));
  const [signIns, setSignIns] = useState(0);

  const signedIn = useCallback((next: string) => {
    useFleetStore.setState({ connection: 'loading', signInMessage: null });
    setToken(next);
    setSignIns((n) => n + 1);
  }, []);

  useEffect(() => {
    let live = true;
    const follow = (attempt: Promise<SignInResult>) =>
      void attempt.then((result) => {
        if (!live) return;
        if (result.ok) signedIn(result.token);
        // A link refused while signed in with another token leaves that session be.
        else if (session.token) useFleetStore.setState({ notice: result.message });
        else useFleetStore.setState({ connection: 'signed_out', signInMessage: result.message });
      });
    if (signingIn) follow(signingIn);
    else if (!session.token) useFleetStore.setState({ connection: 'signed_out' });
    // A link pasted into this tab's address bar only changes the fragment (no reload):
    // take its secret out of the address bar and history too, and use it.
    const onHashChange = () => {
      const link = takeLinkSecret(window.location, window.history);
      if (link) follow(link.kind === 'code' ? session.redeem(link.code) : session.signIn(link.token));
    };
    window.addEventListener('hashchange', onHashChange);
    return () => {
      live = false;
      window.removeEventListener('hashchange', onHashChange);
    };
  }, [session, signingIn, signedIn]);

  const signIn = useCallback(
    async (pasted: string) => {
      const result = await session.signIn(pasted);
      if (!result.ok) return result.message;
      signedIn(result.token);
      return null;
    },
    [session, signedIn],
  );

  const api = useMemo(() => (token ? new HttpTransport(token) : null), [token]);
  const subscribe = useCallback(
    (onTrouble: (trouble: StreamTrouble) => void) =>
      api
        ? api.onAgentsChanged(applyDelta, (trouble) => {
            if (trouble.kind === 'signed_out') session.drop();
            onTrouble(trouble);
          })
        : () => {},
    [api, session],
  );

  if (!api) return <SignInOrWait signIn={signIn} />;
  return <App key={signIns} api={api} subscribe={subscribe} signIn={signIn} />;
}

/** Before a token: the sign-in page, or "Signing in…" while the link's code is traded. */
function SignInOrWait({ signIn }: { signIn: (token: string) => Promise<string | null> }) {
  const signedOut = useFleetStore((s) => s.connection === 'signed_out');
  if (signedOut) return <SignIn onSignIn={signIn} />;
  return (
    <main className="sign-in" aria-busy="true">
      <h1>Fleet Monitor</h1>
      <p role="status">Signing in…</p>
    </main>
  );
}
