import { useState } from 'react';
import type { SignInLink } from '../../../shared/fleet-api';
import { formatTime } from '../lib/format';
import { CopyField } from './copy-field';
import { useTransport } from './transport-context';

/**
 * A one-time link that signs another browser in, made on request: never the
 * operator token in a URL (a browser keeps URLs in its history, sessions and
 * sync), only a code that works once, for a few minutes. Shown only where the
 * port serves the UI.
 */
export function SignInLinkField() {
  const api = useTransport();
  const [link, setLink] = useState<SignInLink | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!api.newSignInLink) return null;
  const make = async () => {
    const result = await api.newSignInLink!();
    setLink(result.ok ? result.value : null);
    setError(result.ok ? null : result.error.message);
  };
  return (
    <div className="sign-in-link">
      <button type="button" onClick={() => void make()}>
        {link ? 'Another sign-in link' : 'New sign-in link'}
      </button>
      {link && (
        <>
          <CopyField label="Sign-in link" value={link.url} />
          <p className="muted">Works once, until {formatTime(link.expiresAt)}. It carries no token.</p>
        </>
      )}
      {error && <p role="alert">{error}</p>}
    </div>
  );
}
