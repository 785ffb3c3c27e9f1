import { useEffect, useMemo, useRef, useState } from 'react';
import type { ForceExhaustRequest } from '../../../shared/fleet-api';
import { summarizeBulk } from '../lib/bulk-summary';
import { clearChecked, setCheckedMany, useFleetStore } from '../store/fleet-store';
import { runBulkChunked } from './actions';
import { ExhaustForm } from './exhaust-dialog';
import { useTransport } from './transport-context';
import { useActionsDisabled } from './use-actions-disabled';

/**
 * "Select all": ticks every agent the view shows (the current filters and
 * search; not those of folded groups), or unticks them when all are ticked;
 * mixed when some are.
 */
export function SelectAllCheckbox() {
  const visible = useFleetStore((s) => s.shownIds);
  const checked = useFleetStore((s) => s.checkedIds);
  // Counted again only when the order or the ticks change, not on every heartbeat.
  const shownChecked = useMemo(() => (checked.size === 0 ? 0 : visible.reduce((n, id) => n + Number(checked.has(id)), 0)), [visible, checked]);
  const box = useRef<HTMLInputElement>(null);
  const all = visible.length > 0 && shownChecked === visible.length;
  const some = shownChecked > 0 && !all;
  useEffect(() => {
    if (box.current) box.current.indeterminate = some;
  }, [some]);
  return (
    <label className="select-all">
      <input
        ref={box}
        type="checkbox"
        checked={all}
        aria-checked={some ? 'mixed' : all}
        disabled={visible.length === 0}
        onChange={() => setCheckedMany(visible, !all)}
      />
      Select all
    </label>
  );
}

/**
 * The bar for acting on many: "Select all", how many are ticked (and how many
 * of those the filters hide), "Recover selected", "Exhaust selected" (one
 * dialog for the whole selection) and "Clear selection". The server decides
 * each move; the result line says how many moved and why the rest were
 * skipped. The buttons rest while a request is in flight or the stream is down.
 */
export function SelectionBar() {
  const api = useTransport();
  const checked = useFleetStore((s) => s.checkedIds);
  const visible = useFleetStore((s) => s.shownIds);
  const hidden = useMemo(() => {
    if (checked.size === 0) return 0;
    const shown = new Set(visible);
    let n = 0;
    for (const id of checked) if (!shown.has(id)) n++;
    return n;
  }, [visible, checked]);
  const disconnected = useActionsDisabled();
  const [busy, setBusy] = useState(false);
  const [exhausting, setExhausting] = useState(false);
  const [result, setResult] = useState('');
  const off = busy || disconnected || checked.size === 0;
  // A result is about the selection it was made on: a new selection clears it.
  useEffect(() => setResult(''), [checked]);

  /** The line for what a (possibly chunked) action did; a failure before any request went through is the dialog's error. */
  const report = (verb: 'Recovered' | 'Exhausted', { results, failure }: Awaited<ReturnType<typeof runBulkChunked>>) =>
    failure === null
      ? summarizeBulk(verb, results)
      : `${results.length > 0 ? `${summarizeBulk(verb, results)} ` : ''}Stopped with ${failure.untried} not tried: ${failure.message}`;

  const recover = async () => {
    setBusy(true);
    const outcome = await runBulkChunked([...checked], (ids) => api.bulkRecover(ids));
    setBusy(false);
    setResult(outcome.failure && outcome.results.length === 0 ? `Nothing was recovered: ${outcome.failure.message}` : report('Recovered', outcome));
  };

  const exhaust = async (request: Omit<ForceExhaustRequest, 'id'>) => {
    setBusy(true);
    const outcome = await runBulkChunked([...useFleetStore.getState().checkedIds], (ids) => api.bulkExhaust({ ...request, ids }));
    setBusy(false);
    if (outcome.failure && outcome.results.length === 0) return outcome.failure.message;
    setResult(report('Exhausted', outcome));
    return null;
  };

  return (
    <div className="selection-bar" role="group" aria-label="Selection">
      <SelectAllCheckbox />
      <span className="selection-count">
        {checked.size} selected{hidden > 0 && <span className="muted"> ({hidden} not shown)</span>}
      </span>
      <button type="button" disabled={off} onClick={() => void recover()}>
        Recover selected
      </button>
      <button type="button" disabled={off} onClick={() => setExhausting(true)}>
        Exhaust selected
      </button>
      <button type="button" disabled={checked.size === 0} onClick={clearChecked}>
        Clear selection
      </button>
      <p className="selection-result" role="status">
        {result}
      </p>
      {exhausting && (
        <ExhaustForm
          title={`Exhaust ${checked.size} selected ${checked.size === 1 ? 'agent' : 'agents'}`}
          confirm="Exhaust selected agents"
          onClose={() => setExhausting(false)}
          onSubmit={exhaust}
        />
      )}
    </div>
  );
}
