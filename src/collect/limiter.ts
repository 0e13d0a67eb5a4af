/**
 * A token bucket like AWS's own (a second's worth of burst, refilled continuously) with a cap on calls in
 * flight. One per account/region/service; thousands may exist, so it keeps no timers while idle.
 */
export class RateLimiter {
  private tokens: number;
  private at = performance.now();
  private running = 0;
  private readonly queue: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly burst: number;

  constructor(
    private readonly rate: number,
    private readonly maxConcurrent: number,
  ) {
    this.burst = Math.max(1, Math.floor(rate));
    this.tokens = this.burst;
  }

  async schedule<T>(fn: () => Promise<T>): Promise<T> {
    await new Promise<void>((resolve) => {
      this.queue.push(resolve);
      this.pump();
    });
    try {
      return await fn();
    } finally {
      this.running--;
      this.pump();
    }
  }

  private pump(): void {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.rate);
    this.at = now;
    while (this.queue.length && this.running < this.maxConcurrent && this.tokens >= 1) {
      this.tokens -= 1;
      this.running++;
      this.queue.shift()!();
    }
    if (this.queue.length && this.running < this.maxConcurrent && !this.timer) {
      // Wake when the next token is due.
      const wait = Math.ceil(((1 - this.tokens) / this.rate) * 1000);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, wait);
    }
  }
}
