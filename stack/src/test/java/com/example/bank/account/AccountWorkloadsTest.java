package com.example.bank.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.bank.support.Workloads;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AccountWorkloadsTest {

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void depositsAddUpUnderConcurrency(boolean optimized) throws Exception {
    AccountStore store = new AccountStore(optimized);
    Workloads.parallelMillis(6, 5, () -> store.apply("A1", new BigDecimal("2.50")));
    assertEquals(new BigDecimal("75.00"), store.balance("A1"));
    assertEquals(BigDecimal.ZERO, store.balance("unknown"));
  }

  @Test
  void naiveStoreSerializesBalanceChanges() throws Exception {
    long floor = 8 * 5 * AccountStore.AUDIT_WRITE_MS;
    AccountStore naive = new AccountStore(false);
    AccountStore optimized = new AccountStore(true);
    long naiveMs = Workloads.parallelMillis(8, 5, () -> naive.apply("A1", BigDecimal.ONE));
    long optimizedMs = Workloads.parallelMillis(8, 5, () -> optimized.apply("A1", BigDecimal.ONE));
    assertTrue(naiveMs >= floor, "synchronized method cannot overlap: " + naiveMs + "ms");
    assertTrue(optimizedMs < floor / 2, "ConcurrentHashMap path should overlap: " + optimizedMs + "ms");
  }

  @Test
  void statementIsIdenticalInBothModes() {
    String naive = new StatementRenderer(false).render("A1", 250);
    String optimized = new StatementRenderer(true).render("A1", 250);
    assertEquals(naive, optimized);
    assertTrue(naive.startsWith("Statement for A1\n00001 TRANSFER    "), naive.substring(0, 40));
    assertEquals(251, naive.split("\n").length);
  }

  @Test
  void optimizedStatementAllocatesLess() {
    StatementRenderer naive = new StatementRenderer(false);
    StatementRenderer optimized = new StatementRenderer(true);
    naive.render("A1", 300);
    optimized.render("A1", 300);
    long naiveBytes = Workloads.allocatedBytes(() -> naive.render("A1", 300));
    long optimizedBytes = Workloads.allocatedBytes(() -> optimized.render("A1", 300));
    assertTrue(naiveBytes > 2 * optimizedBytes, "String.format per line should allocate more: " + naiveBytes + " vs " + optimizedBytes);
  }

  @Test
  void dailyCompoundInterest() {
    BigDecimal balance = new InterestCalculator().compoundDaily(new BigDecimal("10000"), new BigDecimal("3.5"), 1);
    double expected = 10000 * Math.pow(1 + 0.035 / 365, 365);
    assertEquals(expected, balance.doubleValue(), 0.01);
    assertThrows(IllegalArgumentException.class,
        () -> new InterestCalculator().compoundDaily(BigDecimal.ONE, BigDecimal.ONE, 0));
  }
}
