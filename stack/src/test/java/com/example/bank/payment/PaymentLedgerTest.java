package com.example.bank.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.bank.support.Workloads;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PaymentLedgerTest {
  private static final int THREADS = 8;
  private static final int PER_THREAD = 5;

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void balancesStayConsistentUnderConcurrency(boolean optimized) throws Exception {
    PaymentLedger ledger = new PaymentLedger(optimized);
    Workloads.parallelMillis(THREADS, PER_THREAD, () -> ledger.post("A1", "B2", new BigDecimal("100.00")));
    int n = THREADS * PER_THREAD;
    assertEquals(new BigDecimal("4000.00"), ledger.balance("B2"));
    assertEquals(new BigDecimal("-4010.00"), ledger.balance("A1")); // 0.25 % fee per posting
    assertEquals(n, ledger.postings());
  }

  @Test
  void naivePathSerializesPostingsOnOneMonitor() throws Exception {
    long floor = THREADS * PER_THREAD * PaymentLedger.JOURNAL_WRITE_MS;
    long naive = Workloads.parallelMillis(THREADS, PER_THREAD, postOn(new PaymentLedger(false)));
    long optimized = Workloads.parallelMillis(THREADS, PER_THREAD, postOn(new PaymentLedger(true)));
    assertTrue(naive >= floor, "synchronized postings cannot overlap: " + naive + "ms < " + floor + "ms");
    assertTrue(optimized < floor / 2, "ConcurrentHashMap postings should overlap: " + optimized + "ms");
  }

  @Test
  void rejectsNonPositiveAmounts() {
    assertThrows(IllegalArgumentException.class, () -> new PaymentLedger(true).post("A", "B", BigDecimal.ZERO));
  }

  @Test
  void fxConversionUsesTheRateLadder() {
    BigDecimal usd = new FxConverter().convert(new BigDecimal("1000"), "EUR", "USD");
    assertTrue(usd.compareTo(new BigDecimal("1080")) > 0 && usd.compareTo(new BigDecimal("1085")) < 0, usd.toPlainString());
    assertThrows(IllegalArgumentException.class, () -> new FxConverter().convert(BigDecimal.ONE, "XXX", "USD"));
  }

  private static Runnable postOn(PaymentLedger ledger) {
    return () -> ledger.post("A1", "B2", BigDecimal.TEN);
  }
}
