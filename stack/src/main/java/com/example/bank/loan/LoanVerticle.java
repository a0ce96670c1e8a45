package com.example.bank.loan;

import com.example.bank.common.ServiceConfig;
import com.example.bank.common.ServiceVerticle;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.math.BigDecimal;

/** bank-loan-service: amortization quotes (BigDecimal) and scenario risk scoring (matrix CPU). */
public final class LoanVerticle extends ServiceVerticle {
  private final AmortizationSchedule schedule = new AmortizationSchedule();
  private final LoanRiskScorer risk = new LoanRiskScorer();

  public LoanVerticle(ServiceConfig config) {
    super(config);
  }

  @Override
  protected void registerRoutes(Router router) {
    router.post("/loans/quote").handler(ctx -> {
      JsonObject body = bodyOf(ctx);
      BigDecimal principal = new BigDecimal(String.valueOf(body.getValue("principal", "250000")));
      BigDecimal rate = new BigDecimal(String.valueOf(body.getValue("ratePercent", "4.2")));
      int months = body.getInteger("months", 360);
      respond(ctx, onWorker(() -> {
        AmortizationSchedule.Summary s = schedule.amortizeWithBigDecimal(principal, rate, months);
        return new JsonObject().put("monthlyPayment", s.monthlyPayment().toPlainString())
            .put("totalInterest", s.totalInterest().toPlainString()).put("months", s.months());
      }));
    });

    router.post("/loans/risk").handler(ctx -> {
      JsonObject body = bodyOf(ctx);
      String applicant = requireId(body.getString("applicant", "P1"), "applicant");
      double amount = Double.parseDouble(String.valueOf(body.getValue("amount", "50000")));
      int months = body.getInteger("months", 120);
      if (months < 1 || months > 480) {
        throw new IllegalArgumentException("months must be in [1, 480]");
      }
      respond(ctx, onWorker(() -> {
        double pd = risk.probabilityOfDefault(applicant, amount, months);
        return new JsonObject().put("applicant", applicant).put("probabilityOfDefault", pd)
            .put("approved", pd < 0.35);
      }));
    });
  }
}
