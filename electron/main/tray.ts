import { Menu, Tray, nativeImage } from 'electron';
import type { Disposable } from '../../shared/disposable';
import { AGENT_STATUSES, type AgentStatus } from '../../shared/status';

export type StatusCounts = Readonly<Record<AgentStatus, number>>;

/** "Fleet Monitor: 3 idle, 2 busy, 1 offline" (zero counts left out). */
export function trayTooltip(counts: StatusCounts): string {
  const parts = AGENT_STATUSES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s.replace('_', ' ')}`);
  return parts.length > 0 ? `Fleet Monitor: ${parts.join(', ')}` : 'Fleet Monitor: no agents';
}

/** A tray icon whose tooltip and menu show the count per status. */
export class FleetTray implements Disposable {
  private readonly tray: Tray;

  constructor(
    icon: string,
    private readonly actions: { show(): void; quit(): void },
  ) {
    this.tray = new Tray(nativeImage.createFromPath(icon).resize({ width: 16, height: 16 }));
    this.tray.on('click', () => actions.show());
  }

  update(counts: StatusCounts): void {
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
