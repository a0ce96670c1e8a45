package com.example.bank.fraud;

import com.example.bank.common.DenseMatrix;

/**
 * Scores a transaction with a small dense network: a batch of feature rows (the transaction and
 * its recent history) is pushed through three weight layers by matrix multiplication.
 */
public final class FraudScorer {
  static final int FEATURES = 64;
  static final int HISTORY_ROWS = 32;
  private final double[][][] layers = {
      DenseMatrix.seeded(FEATURES, FEATURES, 11),
      DenseMatrix.seeded(FEATURES, FEATURES, 23),
      DenseMatrix.seeded(FEATURES, FEATURES, 37)};

  /** Returns a risk score in [0, 1]. */
  public double scoreWithMatrix(String account, double amount, String merchant) {
    double[][] activations = features(account, amount, merchant);
    for (double[][] layer : layers) {
      activations = DenseMatrix.multiply(activations, layer);
      squash(activations);
    }
    double sum = 0;
    for (double v : activations[0]) {
      sum += v;
    }
    return 1.0 / (1.0 + Math.exp(-sum / FEATURES));
  }

  private static double[][] features(String account, double amount, String merchant) {
    double[][] rows = new double[HISTORY_ROWS][FEATURES];
    long seed = (account.hashCode() * 31L + merchant.hashCode()) ^ Double.doubleToLongBits(amount);
    for (int r = 0; r < HISTORY_ROWS; r++) {
      for (int f = 0; f < FEATURES; f++) {
        seed = seed * 6364136223846793005L + 1442695040888963407L;
        rows[r][f] = ((seed >>> 40) & 0xFFFF) / 65536.0 + (f == 0 ? Math.log1p(amount) / 10 : 0);
      }
    }
    return rows;
  }

  private static void squash(double[][] m) {
    for (double[] row : m) {
      for (int j = 0; j < row.length; j++) {
        row[j] = Math.tanh(row[j]);
      }
    }
  }
}
