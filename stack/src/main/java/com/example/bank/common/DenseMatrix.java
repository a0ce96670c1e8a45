package com.example.bank.common;

/** Dense matrix helpers for the fraud and loan scoring models (plain triple loop: the CPU hotspot). */
public final class DenseMatrix {
  private DenseMatrix() {}

  /** c = a × b for row-major square-compatible matrices. */
  public static double[][] multiply(double[][] a, double[][] b) {
    int rows = a.length;
    int inner = b.length;
    int cols = b[0].length;
    if (a[0].length != inner) {
      throw new IllegalArgumentException("shape mismatch");
    }
    double[][] c = new double[rows][cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        double sum = 0;
        for (int k = 0; k < inner; k++) {
          sum += a[i][k] * b[k][j];
        }
        c[i][j] = sum;
      }
    }
    return c;
  }

  /** Deterministic pseudo-random weights, so every instance scores the same way. */
  public static double[][] seeded(int rows, int cols, long seed) {
    double[][] m = new double[rows][cols];
    long state = seed;
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        state = state * 6364136223846793005L + 1442695040888963407L;
        m[i][j] = ((state >>> 11) / (double) (1L << 53)) - 0.5;
      }
    }
    return m;
  }
}
