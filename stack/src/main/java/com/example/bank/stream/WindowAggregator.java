package com.example.bank.stream;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-account, per-minute totals shared by all partition workers. Hotspot (OPTIMIZED=false):
 * {@link #addSynchronized} is a synchronized method that also writes the window checkpoint under
 * the monitor, so the parallel partitions serialize on it (mutex profile). Fix:
 * {@link #addConcurrent} uses ConcurrentHashMap + LongAdder and checkpoints outside any lock.
 */
public final class WindowAggregator {
  /** A checkpoint (state snapshot to durable storage) is written every this many events. */
  static final int CHECKPOINT_EVERY = 200;
  static final long CHECKPOINT_WRITE_MS = 1;

  private final boolean optimized;
  private final Map<String, Long> lockedTotals = new HashMap<>();
  private long lockedEvents;
  private final ConcurrentHashMap<String, LongAdder> concurrentTotals = new ConcurrentHashMap<>();
  private final AtomicLong concurrentEvents = new AtomicLong();

  public WindowAggregator(boolean optimized) {
    this.optimized = optimized;
  }

  public void add(String windowKey, long amountCents) {
    if (optimized) {
      addConcurrent(windowKey, amountCents);
    } else {
      addSynchronized(windowKey, amountCents);
    }
  }

  synchronized void addSynchronized(String windowKey, long amountCents) {
    lockedTotals.merge(windowKey, amountCents, Long::sum);
    if (++lockedEvents % CHECKPOINT_EVERY == 0) {
      writeCheckpoint();
    }
  }

  void addConcurrent(String windowKey, long amountCents) {
    concurrentTotals.computeIfAbsent(windowKey, k -> new LongAdder()).add(amountCents);
    if (concurrentEvents.incrementAndGet() % CHECKPOINT_EVERY == 0) {
      writeCheckpoint();
    }
  }

  public long total(String windowKey) {
    if (optimized) {
      LongAdder adder = concurrentTotals.get(windowKey);
      return adder == null ? 0 : adder.sum();
    }
    synchronized (this) {
      return lockedTotals.getOrDefault(windowKey, 0L);
    }
  }

  public long events() {
    if (optimized) {
      return concurrentEvents.get();
    }
    synchronized (this) {
      return lockedEvents;
    }
  }

  public int windows() {
    if (optimized) {
      return concurrentTotals.size();
    }
    synchronized (this) {
      return lockedTotals.size();
    }
  }

  private static void writeCheckpoint() {
    try {
      Thread.sleep(CHECKPOINT_WRITE_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checkpointing", e);
    }
  }
}
