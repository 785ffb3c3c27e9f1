/**
 * The recovery horizon (`FLEET_MAX_RECOVERY_S`): how far ahead an exhausted
 * agent's recovery time may lie. One rule for the service, which refuses a
 * given `recovery_at` beyond it (and clamps a time read from a provider's
 * text or headers to it), and for the exhaust dialog, which says so before
 * sending. Past times stay allowed: they recover at the next sweep.
 */

/** Whether `recoveryAt` (epoch ms) lies more than `maxRecoveryS` seconds after `now`. */
export function isBeyondHorizon(recoveryAt: number, now: number, maxRecoveryS: number): boolean {
  return recoveryAt > now + maxRecoveryS * 1000;
}

/** A span of seconds in the largest whole unit that states it exactly: `7 days`, `36 hours`, `90 seconds`. */
export function describeSeconds(seconds: number): string {
  const units: readonly [number, string][] = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  const [size, unit] = units.find(([s]) => seconds % s === 0 && seconds >= s) ?? [1, 'second'];
  const count = seconds / size;
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** What a refusal says: `recovery_at must be at most 7 days ahead (FLEET_MAX_RECOVERY_S)`. */
export function horizonMessage(maxRecoveryS: number): string {
  return `recovery_at must be at most ${describeSeconds(maxRecoveryS)} ahead (FLEET_MAX_RECOVERY_S)`;
}
