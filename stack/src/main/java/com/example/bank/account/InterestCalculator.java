package com.example.bank.account;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Daily-compounded savings interest with BigDecimal, as the regulator requires exact decimal
 * arithmetic. Allocation-heavy (a new BigDecimal per operation per day); same in both modes.
 */
public final class InterestCalculator {
  private static final MathContext PRECISION = new MathContext(30, RoundingMode.HALF_EVEN);
  private static final BigDecimal DAYS_PER_YEAR = BigDecimal.valueOf(365);

  public BigDecimal compoundDaily(BigDecimal principal, BigDecimal annualRatePercent, int years) {
    if (years < 1 || years > 30) {
      throw new IllegalArgumentException("years must be in [1, 30]");
    }
    BigDecimal dailyRate = annualRatePercent.divide(BigDecimal.valueOf(100), PRECISION).divide(DAYS_PER_YEAR, PRECISION);
    BigDecimal balance = principal;
    for (int day = 0; day < years * 365; day++) {
      BigDecimal interest = balance.multiply(dailyRate, PRECISION);
      balance = balance.add(interest, PRECISION);
    }
    return balance.setScale(2, RoundingMode.HALF_EVEN);
  }
}
