import { useFleetStore } from '../store/fleet-store';

/** Shown, and nothing else, when the page has no valid operator token. */
export function SignIn() {
  const refusal = useFleetStore((s) => s.signInMessage);
  return (
    <main className="sign-in">
      <h1>Fleet Monitor</h1>
      <p role="alert">Sign in with the link Fleet Monitor printed when it started.</p>
      {refusal && <p>The link's token was refused: {refusal}.</p>}
      <p className="muted">
        It looks like <code>http://127.0.0.1:7421/#token=…</code> and carries the operator token. Run <code>npm run serve</code> to
        see it again.
      </p>
    </main>
  );
}
