import { powerMonitor } from 'electron';
import { toDisposable, type Disposable } from '../../shared/disposable';

/**
 * Feeds the OS's suspend/resume and lock events to the sweeper's grace: after
 * a resume or unlock, agents get a full timeout before anyone is marked
 * offline. These events are unreliable on some Linux builds; the sweeper's
 * own clock-jump detection stays as the backstop.
 */
export function watchPower(sweeper: { resetGrace(): void }): Disposable {
  const graceNow = () => sweeper.resetGrace();
  const events = ['resume', 'unlock-screen'] as const;
  for (const name of events) powerMonitor.on(name as 'resume', graceNow);
  return toDisposable(() => {
    for (const name of events) powerMonitor.removeListener(name as 'resume', graceNow);
  });
}
