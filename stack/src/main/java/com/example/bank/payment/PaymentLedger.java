package com.example.bank.payment;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Balances touched by transfers. Hotspot (OPTIMIZED=false): {@link #postSynchronized} holds one
 * monitor for the whole posting, including the journal write, so concurrent transfers on worker
 * threads queue on it (mutex profile). Fix: {@link #postConcurrent} updates a ConcurrentHashMap per
 * account and writes the journal outside any lock.
 */
public final class PaymentLedger {
  /** Simulated durable journal append (fsync to a remote disk). */
  static final long JOURNAL_WRITE_MS = 3;
  private static final BigDecimal FEE_RATE = new BigDecimal("0.0025");

  private final boolean optimized;
  private final Map<String, BigDecimal> lockedBalances = new HashMap<>();
  private final ConcurrentHashMap<String, BigDecimal> concurrentBalances = new ConcurrentHashMap<>();
  private final AtomicLong postings = new AtomicLong();

  public PaymentLedger(boolean optimized) {
    this.optimized = optimized;
  }

  /** Moves amount plus fee from one account to another; returns the fee charged. */
  public BigDecimal post(String from, String to, BigDecimal amount) {
    if (amount.signum() <= 0) {
      throw new IllegalArgumentException("amount must be positive");
    }
    return optimized ? postConcurrent(from, to, amount) : postSynchronized(from, to, amount);
  }

  synchronized BigDecimal postSynchronized(String from, String to, BigDecimal amount) {
    BigDecimal fee = fee(amount);
    lockedBalances.merge(from, amount.add(fee).negate(), BigDecimal::add);
    lockedBalances.merge(to, amount, BigDecimal::add);
    writeJournal();
    postings.incrementAndGet();
    return fee;
  }

  BigDecimal postConcurrent(String from, String to, BigDecimal amount) {
    BigDecimal fee = fee(amount);
    concurrentBalances.merge(from, amount.add(fee).negate(), BigDecimal::add);
    concurrentBalances.merge(to, amount, BigDecimal::add);
    writeJournal();
    postings.incrementAndGet();
    return fee;
  }

  public BigDecimal balance(String account) {
    BigDecimal value;
    if (optimized) {
      value = concurrentBalances.get(account);
    } else {
      synchronized (this) {
        value = lockedBalances.get(account);
      }
    }
    return value == null ? BigDecimal.ZERO : value;
  }

  public long postings() {
    return postings.get();
  }

  private static BigDecimal fee(BigDecimal amount) {
    return amount.multiply(FEE_RATE).setScale(2, RoundingMode.HALF_EVEN);
  }

  private static void writeJournal() {
    try {
      Thread.sleep(JOURNAL_WRITE_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing the journal", e);
    }
  }
}
