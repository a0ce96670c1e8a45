package com.example.bank.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.bank.support.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InventoryLedgerTest {
  private static final int THREADS = 8;
  private static final int PER_THREAD = 6;

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void countsEveryReservation(boolean optimized) throws Exception {
    InventoryLedger ledger = new InventoryLedger(optimized);
    Workloads.parallelMillis(THREADS, PER_THREAD, () -> ledger.reserve("SKU-1", 2));
    assertEquals(THREADS * PER_THREAD, ledger.reservations());
    assertEquals(2L * THREADS * PER_THREAD + 1, ledger.reserve("SKU-1", 1));
  }

  @Test
  void naivePathSerializesOnTheLedgerMonitor() throws Exception {
    long floor = THREADS * PER_THREAD * InventoryLedger.WAREHOUSE_WRITE_MS;
    InventoryLedger naive = new InventoryLedger(false);
    InventoryLedger optimized = new InventoryLedger(true);
    long naiveMs = Workloads.parallelMillis(THREADS, PER_THREAD, () -> naive.reserve("SKU-1", 1));
    long optimizedMs = Workloads.parallelMillis(THREADS, PER_THREAD, () -> optimized.reserve("SKU-1", 1));
    assertTrue(naiveMs >= floor, "synchronized reservations cannot overlap: " + naiveMs + "ms");
    assertTrue(optimizedMs < floor / 2, "concurrent reservations should overlap: " + optimizedMs + "ms");
  }

  @Test
  void rejectsNonPositiveQuantity() {
    assertThrows(IllegalArgumentException.class, () -> new InventoryLedger(false).reserve("SKU-1", 0));
  }
}
