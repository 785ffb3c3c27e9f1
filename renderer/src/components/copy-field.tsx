import { useEffect, useRef, useState } from 'react';

type CopyState = 'idle' | 'copied' | 'failed';
const LABELS: Record<CopyState, string> = { idle: 'Copy', copied: 'Copied', failed: 'Copy failed' };
/** How long "Copied" or "Copy failed" stays on the button. */
const FEEDBACK_MS = 2000;

/**
 * A read-only value with a Copy button. A refused copy (no clipboard
 * permission, an insecure context) says "Copy failed" and selects the value,
 * so that the operator's own Ctrl+C / Cmd+C gets it.
 */
export function CopyField({ label, value }: { label: string; value: string }) {
  const [state, setState] = useState<CopyState>('idle');
  const valueRef = useRef<HTMLElement>(null);
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), FEEDBACK_MS);
    return () => clearTimeout(timer);
  }, [state]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      setState('failed');
      if (valueRef.current) window.getSelection()?.selectAllChildren(valueRef.current);
    }
  };
  return (
    <div className="copy-field">
      <span className="copy-label">{label}</span>
      <code ref={valueRef}>{value}</code>
      <button type="button" onClick={() => void copy()} aria-label={`Copy ${label}`} data-state={state}>
        {LABELS[state]}
      </button>
      {/* Announced: a button's changed text is not, on every screen reader. */}
      <span role="status" className="visually-hidden">
        {state === 'copied' ? `${label} copied` : state === 'failed' ? `Could not copy ${label}; it is selected instead` : ''}
      </span>
    </div>
  );
}
