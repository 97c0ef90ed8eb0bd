// How often a crashing server is restarted. Pure; unit-tested.

export interface RestartDecision {
  restart: boolean;
  /** crashes inside the window, this one included */
  crashes: number;
}

export class RestartPolicy {
  private crashes: number[] = [];

  constructor(
    readonly maxRestarts = 3,
    readonly windowMs = 3 * 60 * 1000,
  ) {}

  /** Record a crash at `now` (ms); restart unless more than maxRestarts crashes fell inside the window. */
  onCrash(now: number): RestartDecision {
    this.crashes = this.crashes.filter((t) => now - t <= this.windowMs);
    this.crashes.push(now);
    return { restart: this.crashes.length <= this.maxRestarts, crashes: this.crashes.length };
  }

  reset(): void {
    this.crashes = [];
  }
}
