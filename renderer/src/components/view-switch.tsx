import { setQuery, useFleetStore } from '../store/fleet-store';
import { VIEW_MODES, type ViewMode } from '../store/view';

const VIEW_LABELS: Record<ViewMode, string> = { tiles: 'Tiles', table: 'Table', map: 'Map' };

/**
 * The "View" control: Tiles, Table or Map. Native radio buttons, so the
 * arrow keys move between them and a screen reader names the group; styled
 * as one segmented control. The choice is kept (setQuery saves it).
 */
export function ViewSwitch() {
  const view = useFleetStore((s) => s.view);
  return (
    <div className="view-switch" role="radiogroup" aria-label="View">
      <span className="view-switch-label" aria-hidden="true">
        View
      </span>
      {VIEW_MODES.map((mode) => (
        <label key={mode} className="view-option">
          <input type="radio" name="fleet-view" value={mode} checked={view === mode} onChange={() => setQuery({ view: mode })} />
          {VIEW_LABELS[mode]}
        </label>
      ))}
    </div>
  );
}
