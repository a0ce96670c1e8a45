package com.example.bank.loan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class LoanWorkloadsTest {

  @Test
  void annuityPaymentMatchesTheClosedForm() {
    AmortizationSchedule.Summary s = new AmortizationSchedule()
        .amortizeWithBigDecimal(new BigDecimal("250000"), new BigDecimal("4.2"), 360);
    double r = 0.042 / 12;
    double expected = 250000 * r * Math.pow(1 + r, 360) / (Math.pow(1 + r, 360) - 1);
    assertEquals(expected, s.monthlyPayment().doubleValue(), 0.01);
    assertEquals(expected * 360 - 250000, s.totalInterest().doubleValue(), 5.0);
  }

  @Test
  void zeroRateAndValidation() {
    AmortizationSchedule schedule = new AmortizationSchedule();
    assertEquals(new BigDecimal("100.00"),
        schedule.amortizeWithBigDecimal(new BigDecimal("1200"), BigDecimal.ZERO, 12).monthlyPayment());
    assertThrows(IllegalArgumentException.class,
        () -> schedule.amortizeWithBigDecimal(BigDecimal.ONE, BigDecimal.ONE, 0));
  }

  @Test
  void probabilityOfDefaultIsBoundedAndGrowsWithTerm() {
    LoanRiskScorer scorer = new LoanRiskScorer();
    double shortTerm = scorer.probabilityOfDefault("P7", 50_000, 12);
    double longTerm = scorer.probabilityOfDefault("P7", 50_000, 360);
    assertTrue(shortTerm >= 0 && shortTerm <= 1 && longTerm >= 0 && longTerm <= 1);
    assertEquals(shortTerm, scorer.probabilityOfDefault("P7", 50_000, 12));
  }
}
