import { Menu, Tray, nativeImage } from 'electron';
import path from 'node:path';
import type { Disposable } from '../../shared/disposable';
import { AGENT_STATUSES, type AgentStatus } from '../../shared/status';

export type StatusCounts = Readonly<Record<AgentStatus, number>>;

/** "Fleet Monitor: 3 idle, 2 busy, 1 offline" (zero counts left out). */
export function trayTooltip(counts: StatusCounts): string {
  const parts = AGENT_STATUSES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s.replace('_', ' ')}`);
  return parts.length > 0 ? `Fleet Monitor: ${parts.join(', ')}` : 'Fleet Monitor: no agents';
}

/**
 * The tray icon for a platform, from out/tray/ (drawn by scripts/tray-icons.mjs
 * at the sizes each one shows): an ICO on Windows; a template image on macOS,
 * which the menu bar tints for light, dark and highlighted; a PNG elsewhere.
 * Electron loads the `@2x` file beside a PNG for HiDPI screens by itself.
 */
export function trayIconPath(dir: string, platform: NodeJS.Platform): string {
  const file = platform === 'win32' ? 'tray.ico' : platform === 'darwin' ? 'trayTemplate.png' : 'tray.png';
  return path.join(dir, file);
}

/** A tray icon whose tooltip and menu show the count per status. */
export class FleetTray implements Disposable {
  private readonly tray: Tray;
  /** The counts the menu shows: rebuilt only when they change (on Linux each rebuild goes over D-Bus, and an open menu flickers). */
  private shown: string | undefined;

  /** `icon`: a file from {@link trayIconPath}, shown at its own size (never resized: a shrunk icon blurs). */
  constructor(
    icon: string,
    private readonly actions: { show(): void; quit(): void },
  ) {
    const image = nativeImage.createFromPath(icon);
    // The file name marks it already; said outright so a renamed file cannot lose it.
    if (path.basename(icon).includes('Template')) image.setTemplateImage(true);
    this.tray = new Tray(image);
    this.tray.on('click', () => actions.show());
  }

  update(counts: StatusCounts): void {
    const key = AGENT_STATUSES.map((s) => counts[s]).join(',');
    if (key === this.shown) return;
    this.shown = key;
    this.tray.setToolTip(trayTooltip(counts));
    this.tray.setContextMenu(
      Menu.buildFromTemplate([
        ...AGENT_STATUSES.map((s) => ({ label: `${s.replace('_', ' ')}: ${counts[s]}`, enabled: false })),
        { type: 'separator' as const },
        { label: 'Show Fleet Monitor', click: () => this.actions.show() },
        { label: 'Quit', click: () => this.actions.quit() },
      ]),
    );
  }

  dispose(): void {
    this.tray.destroy();
  }
}
