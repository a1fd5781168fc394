/**
 * Delay before the attempt after `attempt` failed ones: exponential from `baseDelayMs`, capped at
 * `maxDelayMs`, then scaled into [½, 1] by `random` ("equal jitter") so endpoints that failed together
 * don't all come back at once, while a retry never comes sooner than half the schedule.
 */
export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number): number {
  const capped = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(capped * (0.5 + 0.5 * random()));
}
