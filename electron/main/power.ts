import { powerMonitor } from 'electron';
import { toDisposable, type Disposable } from '../../shared/disposable';

/**
 * The OS's suspend/resume and lock events, each of which starts a new grace
 * period (agents get a full timeout from that moment before anyone is marked
 * offline):
 * - `resume`, `unlock-screen`: the machine was asleep or away; no heartbeat
 *   could arrive meanwhile.
 * - `suspend`, `lock-screen`: the machine is about to sleep, or its user left.
 *   Agents freeze with a sleep, and the monitor may tick once more before it
 *   does: it must not count that as silence. A lock without a sleep costs at
 *   most one timeout's delay in marking a silent agent offline.
 * `lock-screen` and `unlock-screen` come on macOS and Windows only (Electron's
 * powerMonitor docs); on Linux only `suspend` and `resume` do, and not on every
 * build, so the sweeper's own clock-jump detection stays as the backstop.
 */
export function watchPower(sweeper: { resetGrace(): void }): Disposable {
  const graceNow = () => sweeper.resetGrace();
  const events = ['suspend', 'resume', 'lock-screen', 'unlock-screen'] as const;
  for (const name of events) powerMonitor.on(name as 'resume', graceNow);
  return toDisposable(() => {
    for (const name of events) powerMonitor.removeListener(name as 'resume', graceNow);
  });
}
