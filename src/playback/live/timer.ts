/**
 * Waiting until a time to the fraction of a millisecond: a timer to a
 * little before it (Node's timers are late by a millisecond or more), then
 * a spin for the rest. `stop()` ends any wait at once; every wait after it
 * returns false. Times are performance.now() milliseconds.
 *
 * @example
 *   const timer = new PreciseTimer();
 *   process.once('SIGINT', () => timer.stop());
 *   if (await timer.until(performance.now() + 125)) send();
 */

/** How long before the time the timer wakes to spin. */
const SPIN_MS = 3;

export class PreciseTimer {
  private stopped = false;
  private wake: (() => void) | null = null;

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Resolves at `time` with true, or at a `stop()` with false. */
  async until(time: number): Promise<boolean> {
    while (!this.stopped && performance.now() < time - SPIN_MS) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, time - SPIN_MS - performance.now());
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = null;
    }
    while (!this.stopped && performance.now() < time); // spin the last milliseconds
    return !this.stopped;
  }

  /** End every wait, now and later. */
  stop(): void {
    this.stopped = true;
    this.wake?.();
  }
}
