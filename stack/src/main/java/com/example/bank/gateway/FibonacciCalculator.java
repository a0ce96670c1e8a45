package com.example.bank.gateway;

/**
 * CPU hotspot of the gateway: the "risk tier" of a request is derived from a Fibonacci number.
 * The naive path recomputes it with exponential recursion; the optimized path is linear.
 */
public final class FibonacciCalculator {
  private final boolean optimized;

  public FibonacciCalculator(boolean optimized) {
    this.optimized = optimized;
  }

  public long compute(int n) {
    if (n < 0 || n > 90) {
      throw new IllegalArgumentException("n must be in [0, 90]");
    }
    return optimized ? fibIterative(n) : fibRecursive(n);
  }

  /** Exponential time: the method a CPU profile of the gateway shows on top. */
  static long fibRecursive(int n) {
    return n < 2 ? n : fibRecursive(n - 1) + fibRecursive(n - 2);
  }

  /** The fix: O(n), no recursion. */
  static long fibIterative(int n) {
    long previous = 0;
    long current = n == 0 ? 0 : 1;
    for (int i = 2; i <= n; i++) {
      long next = previous + current;
      previous = current;
      current = next;
    }
    return current;
  }
}
