package com.example.bank.stream;

/**
 * Waits for the downstream consumer group to catch up before acknowledging a batch: polls the
 * (simulated) broker offsets with Thread.sleep between polls. Pure I/O wait (wall-clock profile).
 */
public final class ConsumerLagProbe {
  static final long POLL_INTERVAL_MS = 4;
  static final long LAG_DRAINED_PER_POLL = 250;

  public record Result(int polls, long waitedMs) {}

  public Result pollUntilCaughtUp(long lag) {
    if (lag < 0 || lag > 100_000) {
      throw new IllegalArgumentException("lag must be in [0, 100000]");
    }
    int polls = 0;
    long remaining = lag;
    while (remaining > 0) {
      sleep();
      polls++;
      remaining -= LAG_DRAINED_PER_POLL;
    }
    return new Result(polls, polls * POLL_INTERVAL_MS);
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL_INTERVAL_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while polling offsets", e);
    }
  }
}
