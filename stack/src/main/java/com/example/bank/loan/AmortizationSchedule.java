package com.example.bank.loan;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** Annuity loan schedule in exact decimal arithmetic (BigDecimal allocation; same in both modes). */
public final class AmortizationSchedule {
  private static final MathContext PRECISION = new MathContext(34, RoundingMode.HALF_EVEN);

  public record Summary(BigDecimal monthlyPayment, BigDecimal totalInterest, int months) {}

  public Summary amortizeWithBigDecimal(BigDecimal principal, BigDecimal annualRatePercent, int months) {
    if (months < 1 || months > 480) {
      throw new IllegalArgumentException("months must be in [1, 480]");
    }
    if (principal.signum() <= 0 || annualRatePercent.signum() < 0) {
      throw new IllegalArgumentException("principal must be positive and rate non-negative");
    }
    BigDecimal monthlyRate = annualRatePercent.divide(BigDecimal.valueOf(1200), PRECISION);
    BigDecimal payment;
    if (monthlyRate.signum() == 0) {
      payment = principal.divide(BigDecimal.valueOf(months), PRECISION);
    } else {
      BigDecimal growth = BigDecimal.ONE.add(monthlyRate).pow(months, PRECISION);
      payment = principal.multiply(monthlyRate, PRECISION).multiply(growth, PRECISION)
          .divide(growth.subtract(BigDecimal.ONE), PRECISION);
    }
    BigDecimal balance = principal;
    BigDecimal totalInterest = BigDecimal.ZERO;
    for (int month = 0; month < months; month++) {
      BigDecimal interest = balance.multiply(monthlyRate, PRECISION).setScale(2, RoundingMode.HALF_EVEN);
      BigDecimal principalPart = payment.subtract(interest, PRECISION);
      balance = balance.subtract(principalPart, PRECISION);
      totalInterest = totalInterest.add(interest);
    }
    return new Summary(payment.setScale(2, RoundingMode.HALF_EVEN), totalInterest, months);
  }
}
