package com.example.bank.account;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Account balances. Hotspot (OPTIMIZED=false): {@link #applySynchronized} is one synchronized method
 * for every account, holding the monitor during the audit write, so concurrent deposits on worker
 * threads contend (mutex profile). Fix: {@link #applyConcurrent} uses ConcurrentHashMap.merge (per-key
 * locking) and audits outside the lock.
 */
public final class AccountStore {
  /** Simulated audit-log write per balance change. */
  static final long AUDIT_WRITE_MS = 2;

  private final boolean optimized;
  private final Map<String, BigDecimal> lockedBalances = new HashMap<>();
  private final ConcurrentHashMap<String, BigDecimal> concurrentBalances = new ConcurrentHashMap<>();

  public AccountStore(boolean optimized) {
    this.optimized = optimized;
  }

  /** Adds delta (may be negative) to the account and returns the new balance. */
  public BigDecimal apply(String account, BigDecimal delta) {
    return optimized ? applyConcurrent(account, delta) : applySynchronized(account, delta);
  }

  synchronized BigDecimal applySynchronized(String account, BigDecimal delta) {
    BigDecimal balance = lockedBalances.merge(account, delta, BigDecimal::add);
    writeAudit();
    return balance;
  }

  BigDecimal applyConcurrent(String account, BigDecimal delta) {
    BigDecimal balance = concurrentBalances.merge(account, delta, BigDecimal::add);
    writeAudit();
    return balance;
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

  private static void writeAudit() {
    try {
      Thread.sleep(AUDIT_WRITE_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during audit write", e);
    }
  }
}
