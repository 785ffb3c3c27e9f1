import { VIEW_MODES, type ViewMode } from '../store/view';

/** The localStorage key that keeps the operator's last view across reloads and restarts. */
export const VIEW_STORAGE_KEY = 'fleet-monitor.view';

/** The page's localStorage, or null where there is none or it refuses (a sandboxed frame, tests in Node). */
function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** The view last chosen, or null when none (or something unknown) was kept. */
export function loadViewMode(store: Storage | null = storage()): ViewMode | null {
  try {
    const kept = store?.getItem(VIEW_STORAGE_KEY);
    return VIEW_MODES.find((mode) => mode === kept) ?? null;
  } catch {
    return null;
  }
}

/** Keeps the chosen view; a storage that refuses (quota, privacy mode) only costs the memory of it. */
export function saveViewMode(mode: ViewMode, store: Storage | null = storage()): void {
  try {
    store?.setItem(VIEW_STORAGE_KEY, mode);
  } catch {
    // Nothing to do: the view still works, it just will not be remembered.
  }
}
