import { toggleChecked, useFleetStore } from '../store/fleet-store';

/**
 * The box that ticks one agent for a bulk action, named `Select <id>` (the
 * id, unique where a name may not be). It reads only its own membership, so
 * ticking one agent re-renders one box. For tiles, table rows and map cells.
 */
export function SelectCheckbox({ id, className, tabIndex }: { id: string; className?: string; tabIndex?: number }) {
  const checked = useFleetStore((s) => s.checkedIds.has(id));
  return (
    <input
      type="checkbox"
      className={className ?? 'select-checkbox'}
      aria-label={`Select ${id}`}
      checked={checked}
      {...(tabIndex === undefined ? {} : { tabIndex })}
      onChange={(e) => toggleChecked(id, e.target.checked)}
    />
  );
}
