package com.example.bank.account;

import com.example.bank.common.ServiceConfig;
import com.example.bank.common.ServiceVerticle;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * bank-account-service: balances and deposits (lock contention), statements (String.format
 * allocation), interest (BigDecimal).
 */
public final class AccountVerticle extends ServiceVerticle {
  /** A deposit is split into this many ledger postings applied in parallel (fees, tax, principal...). */
  static final int POSTINGS_PER_DEPOSIT = 4;
  private final AccountStore store;
  private final StatementRenderer statements;
  private final InterestCalculator interest = new InterestCalculator();

  public AccountVerticle(ServiceConfig config) {
    super(config);
    this.store = new AccountStore(config.optimized());
    this.statements = new StatementRenderer(config.optimized());
  }

  @Override
  protected void registerRoutes(Router router) {
    router.get("/accounts/:id/balance").handler(ctx -> {
      String id = requireId(ctx.pathParam("id"), "account");
      respond(ctx, onWorker(() -> new JsonObject().put("account", id).put("balance", store.balance(id).toPlainString())));
    });

    router.post("/accounts/:id/deposit").handler(ctx -> {
      String id = requireId(ctx.pathParam("id"), "account");
      BigDecimal amount = new BigDecimal(String.valueOf(bodyOf(ctx).getValue("amount", "10.00")));
      if (amount.signum() <= 0) {
        throw new IllegalArgumentException("amount must be positive");
      }
      BigDecimal part = amount.divide(BigDecimal.valueOf(POSTINGS_PER_DEPOSIT));
      List<Future<BigDecimal>> postings = new ArrayList<>();
      for (int i = 0; i < POSTINGS_PER_DEPOSIT; i++) {
        postings.add(onWorker(() -> store.apply(id, part)));
      }
      respond(ctx, Future.all(postings).map(all -> new JsonObject()
          .put("account", id).put("deposited", amount.toPlainString())
          .put("balance", store.balance(id).toPlainString())));
    });

    router.get("/accounts/:id/statement").handler(ctx -> {
      String id = requireId(ctx.pathParam("id"), "account");
      int lines = intParam(ctx, "lines", 300, 1, 5_000);
      respond(ctx, onWorker(() -> {
        String text = statements.render(id, lines);
        return new JsonObject().put("account", id).put("lines", lines).put("bytes", text.length())
            .put("preview", new JsonArray(List.of(text.split("\n", 4)).subList(0, Math.min(3, lines + 1))));
      }));
    });

    router.get("/accounts/:id/interest").handler(ctx -> {
      String id = requireId(ctx.pathParam("id"), "account");
      int years = intParam(ctx, "years", 5, 1, 30);
      BigDecimal principal = new BigDecimal(ctx.request().getParam("principal", "10000"));
      BigDecimal rate = new BigDecimal(ctx.request().getParam("rate", "3.5"));
      respond(ctx, onWorker(() -> new JsonObject().put("account", id).put("years", years)
          .put("balance", interest.compoundDaily(principal, rate, years).toPlainString())));
    });
  }
}
