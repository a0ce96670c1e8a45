package com.example.bank.payment;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Map;

/**
 * FX quote with BigDecimal arithmetic: converts through a ladder of intermediary rates with
 * spreads, at high precision. Allocation-heavy by nature (every BigDecimal op allocates); it is
 * the same in both modes and gives the allocation profile a steady baseline.
 */
public final class FxConverter {
  private static final MathContext PRECISION = new MathContext(34, RoundingMode.HALF_EVEN);
  private static final Map<String, BigDecimal> USD_PER_UNIT = Map.of(
      "USD", BigDecimal.ONE,
      "EUR", new BigDecimal("1.0842"),
      "GBP", new BigDecimal("1.2671"),
      "JPY", new BigDecimal("0.0067"),
      "CHF", new BigDecimal("1.1289"));
  private static final int LADDER_STEPS = 400;

  public BigDecimal convert(BigDecimal amount, String from, String to) {
    BigDecimal fromRate = rate(from);
    BigDecimal toRate = rate(to);
    BigDecimal spreadPerStep = new BigDecimal("0.0000001");
    BigDecimal value = amount;
    // Price every step of the settlement ladder, as the treasury desk does for large tickets.
    for (int step = 0; step < LADDER_STEPS; step++) {
      BigDecimal stepRate = fromRate.divide(toRate, PRECISION)
          .multiply(BigDecimal.ONE.subtract(spreadPerStep.multiply(BigDecimal.valueOf(step), PRECISION)), PRECISION);
      value = amount.multiply(stepRate, PRECISION);
    }
    return value.setScale(2, RoundingMode.HALF_EVEN);
  }

  private static BigDecimal rate(String currency) {
    BigDecimal rate = USD_PER_UNIT.get(currency);
    if (rate == null) {
      throw new IllegalArgumentException("unsupported currency " + currency + ", expected one of " + USD_PER_UNIT.keySet());
    }
    return rate;
  }
}
