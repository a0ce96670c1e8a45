package com.example.bank.order;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stock reservations for order lines. Hotspot (OPTIMIZED=false): {@link #reserveSynchronized} is a
 * synchronized method that also does the warehouse write while holding the monitor, so the parallel
 * line reservations of one order (and of concurrent orders) queue behind each other. Fix:
 * {@link #reserveConcurrent} uses ConcurrentHashMap.merge per SKU and writes outside any lock.
 */
public final class InventoryLedger {
  /** Simulated write to the warehouse system for one reservation. */
  static final long WAREHOUSE_WRITE_MS = 2;

  private final boolean optimized;
  private final Map<String, Long> lockedReserved = new HashMap<>();
  private final ConcurrentHashMap<String, Long> concurrentReserved = new ConcurrentHashMap<>();
  private final AtomicLong reservations = new AtomicLong();

  public InventoryLedger(boolean optimized) {
    this.optimized = optimized;
  }

  /** Reserves qty units of sku; returns the SKU's total reserved units afterwards. */
  public long reserve(String sku, int qty) {
    if (qty <= 0) {
      throw new IllegalArgumentException("qty must be positive");
    }
    return optimized ? reserveConcurrent(sku, qty) : reserveSynchronized(sku, qty);
  }

  synchronized long reserveSynchronized(String sku, int qty) {
    long total = lockedReserved.merge(sku, (long) qty, Long::sum);
    writeToWarehouse();
    reservations.incrementAndGet();
    return total;
  }

  long reserveConcurrent(String sku, int qty) {
    long total = concurrentReserved.merge(sku, (long) qty, Long::sum);
    writeToWarehouse();
    reservations.incrementAndGet();
    return total;
  }

  public long reservations() {
    return reservations.get();
  }

  private static void writeToWarehouse() {
    try {
      Thread.sleep(WAREHOUSE_WRITE_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during warehouse write", e);
    }
  }
}
