package com.example.bank.loan;

import com.example.bank.common.DenseMatrix;

/**
 * Credit risk by scenario simulation: economic shock scenarios are propagated through a factor
 * covariance matrix with dense matrix multiplications (the loan service's CPU hotspot).
 */
public final class LoanRiskScorer {
  static final int FACTORS = 96;
  static final int SCENARIOS = 48;
  private final double[][] covariance = DenseMatrix.seeded(FACTORS, FACTORS, 101);

  /** Probability of default in [0, 1]. */
  public double probabilityOfDefault(String applicant, double amount, int months) {
    double[][] scenarios = DenseMatrix.seeded(SCENARIOS, FACTORS, applicant.hashCode() * 31L + months);
    double[][] shocked = DenseMatrix.multiply(DenseMatrix.multiply(scenarios, covariance), covariance);
    double loss = 0;
    for (double[] scenario : shocked) {
      double exposure = 0;
      for (double factor : scenario) {
        exposure += factor;
      }
      loss += Math.max(0, exposure);
    }
    double leverage = Math.log1p(amount) / Math.log1p(1_000_000) * (months / 360.0);
    return 1 - Math.exp(-(loss / SCENARIOS) * 0.05 - leverage);
  }
}
