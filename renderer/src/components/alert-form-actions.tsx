/** The end of an alert form: its submit button, what the last try did (status), and why it was refused (alert). */
export function AlertFormActions({ label, busy, done, error }: { label: string; busy: boolean; done: string; error: string }) {
  return (
    <>
      <div className="alert-form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {label}
        </button>
        <span role="status">{done}</span>
      </div>
      <p role="alert" className="error">
        {error}
      </p>
    </>
  );
}
