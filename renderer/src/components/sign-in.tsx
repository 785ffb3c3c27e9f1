import { useId, useState, type FormEvent } from 'react';
import { useFleetStore } from '../store/fleet-store';

export interface SignInProps {
  /**
   * Tries a pasted token: resolves to null once signed in, else to what to
   * tell the operator. Absent where there is nothing to sign in to.
   */
  readonly onSignIn?: (token: string) => Promise<string | null>;
}

/** Shown, and nothing else, when the page has no valid operator token: the link to use, or a token to paste, and why the last try was refused. */
export function SignIn({ onSignIn }: SignInProps) {
  const refusal = useFleetStore((s) => s.signInMessage);
  const [reason, setReason] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { token: useId(), reason: useId() };
  const shown = reason ?? refusal;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!onSignIn || busy) return;
    const field = event.currentTarget.elements.namedItem('fleet-operator-token') as HTMLInputElement;
    setBusy(true);
    const refused = await onSignIn(field.value);
    // Signed in: this page is replaced by the fleet; refused: say why and let them try again.
    if (refused !== null) {
      setBusy(false);
      setReason(refused);
      field.select();
    }
  }

  return (
    <main className="sign-in">
      <h1>Fleet Monitor</h1>
      <p role="alert">Sign in with the link Fleet Monitor printed when it started, or paste the operator token.</p>
      <p id={ids.reason} className="sign-in-reason" aria-live="assertive">
        {shown}
      </p>
      {onSignIn && (
        <form className="sign-in-form" onSubmit={(e) => void submit(e)}>
          <label htmlFor={ids.token}>Operator token</label>
          {/* Not a password field: a browser offers to save those (into synced passwords, the
              very leak the one-time link avoids). Masked by CSS instead; no manager is invited. */}
          <input
            id={ids.token}
            name="fleet-operator-token"
            type="text"
            className="masked"
            autoComplete="off"
            autoCapitalize="off"
            autoCorrect="off"
            data-1p-ignore="true"
            data-lpignore="true"
            spellCheck={false}
            required
            aria-describedby={shown ? ids.reason : undefined}
          />
          <button type="submit" disabled={busy}>
            Sign in
          </button>
        </form>
      )}
      <p className="muted">
        The link looks like <code>http://127.0.0.1:7421/#code=…</code> and works once, within 10 minutes; for a new one run{' '}
        <code>npx fleet-monitor sign-in-link --tokens-file …/tokens.json</code>. The operator token is in the desktop app's
        Settings, or <code>operator_token</code> in the <code>tokens.json</code> that <code>npm run serve</code> names when it starts.
      </p>
    </main>
  );
}
