package com.example.bank.payment;

import com.example.bank.common.ServiceConfig;
import com.example.bank.common.ServiceVerticle;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.math.BigDecimal;

/** bank-payment-service: signs and posts transfers (CPU + lock), quotes FX (BigDecimal allocation). */
public final class PaymentVerticle extends ServiceVerticle {
  private final PaymentSigner signer;
  private final PaymentLedger ledger;
  private final FxConverter fx = new FxConverter();

  public PaymentVerticle(ServiceConfig config) {
    super(config);
    this.signer = new PaymentSigner(config.optimized());
    this.ledger = new PaymentLedger(config.optimized());
  }

  @Override
  protected void registerRoutes(Router router) {
    router.post("/payments/transfer").handler(ctx -> {
      JsonObject body = bodyOf(ctx);
      String from = requireId(body.getString("from"), "from");
      String to = requireId(body.getString("to"), "to");
      BigDecimal amount = amountOf(body.getValue("amount"));
      respond(ctx, onWorker(() -> transfer(from, to, amount)));
    });

    router.get("/payments/fx").handler(ctx -> {
      BigDecimal amount = amountOf(ctx.request().getParam("amount", "1000"));
      String from = ctx.request().getParam("from", "EUR");
      String to = ctx.request().getParam("to", "USD");
      respond(ctx, onWorker(() -> new JsonObject()
          .put("from", from).put("to", to).put("amount", amount.toPlainString())
          .put("converted", fx.convert(amount, from, to).toPlainString())));
    });

    router.get("/payments/balance/:account").handler(ctx -> {
      String account = requireId(ctx.pathParam("account"), "account");
      respond(ctx, onWorker(() -> new JsonObject()
          .put("account", account).put("balance", ledger.balance(account).toPlainString())));
    });
  }

  private JsonObject transfer(String from, String to, BigDecimal amount) {
    String payload = from + "|" + to + "|" + amount.toPlainString();
    String signature = signer.sign(payload);
    BigDecimal fee = ledger.post(from, to, amount);
    return new JsonObject()
        .put("from", from).put("to", to)
        .put("amount", amount.toPlainString()).put("fee", fee.toPlainString())
        .put("signature", signature).put("posting", ledger.postings());
  }

  private static BigDecimal amountOf(Object raw) {
    if (raw == null) {
      throw new IllegalArgumentException("amount is required");
    }
    try {
      BigDecimal amount = new BigDecimal(raw.toString());
      if (amount.signum() <= 0 || amount.compareTo(new BigDecimal("1000000000")) > 0) {
        throw new IllegalArgumentException("amount must be in (0, 1e9]");
      }
      return amount;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("amount must be a decimal number");
    }
  }
}
