package com.example.bank.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FibonacciCalculatorTest {

  @Test
  void bothPathsAgree() {
    FibonacciCalculator naive = new FibonacciCalculator(false);
    FibonacciCalculator optimized = new FibonacciCalculator(true);
    for (int n = 0; n <= 25; n++) {
      assertEquals(optimized.compute(n), naive.compute(n), "fib(" + n + ")");
    }
    assertEquals(196_418L, naive.compute(27));
  }

  @Test
  void optimizedModeIsLinear() {
    // fib(90) by exponential recursion would take years; the optimized mode must answer at once.
    assertTimeoutPreemptively(Duration.ofSeconds(2),
        () -> assertEquals(2_880_067_194_370_816_120L, new FibonacciCalculator(true).compute(90)));
  }

  @Test
  void naiveModeRecurses() {
    // Exponential growth: fib(30) costs ~11x fib(25) recursively; iteratively both are instant.
    FibonacciCalculator naive = new FibonacciCalculator(false);
    naive.compute(25);
    long small = timeNanos(() -> naive.compute(24));
    long large = timeNanos(() -> naive.compute(31));
    assertTrue(large > small * 5, "recursive cost must grow exponentially: " + small + " vs " + large);
  }

  @Test
  void rejectsOutOfRange() {
    assertThrows(IllegalArgumentException.class, () -> new FibonacciCalculator(true).compute(-1));
    assertThrows(IllegalArgumentException.class, () -> new FibonacciCalculator(true).compute(91));
  }

  private static long timeNanos(Runnable r) {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      r.run();
      best = Math.min(best, System.nanoTime() - start);
    }
    return best;
  }
}
