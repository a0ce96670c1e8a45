package com.example.bank.gateway;

import com.example.bank.common.BankService;
import com.example.bank.common.ServiceConfig;
import com.example.bank.common.ServiceVerticle;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.LinkedHashMap;
import java.util.Map;

/** bank-api-gateway: front door; CPU (recursive fibonacci), transfer proxy, dashboard fan-out. */
public final class GatewayVerticle extends ServiceVerticle {
  private final FibonacciCalculator fibonacci;
  private DownstreamClient downstream;

  public GatewayVerticle(ServiceConfig config) {
    super(config);
    this.fibonacci = new FibonacciCalculator(config.optimized());
  }

  @Override
  protected void registerRoutes(Router router) {
    downstream = new DownstreamClient(WebClient.create(vertx,
        new WebClientOptions().setKeepAlive(true)));

    router.get("/api/fib").handler(ctx -> {
      int n = intParam(ctx, "n", 27, 0, 40);
      respond(ctx, onWorker(() -> new JsonObject().put("n", n).put("value", fibonacci.compute(n))));
    });

    router.post("/api/transfer").handler(ctx -> {
      JsonObject body = bodyOf(ctx);
      respond(ctx, downstream.postJson(config.urlOf(BankService.PAYMENT) + "/payments/transfer", body)
          .map(payment -> new JsonObject().put("via", config.serviceName()).put("payment", payment)));
    });

    router.get("/api/dashboard").handler(ctx -> {
      String account = requireId(ctx.request().getParam("account", "A1"), "account");
      Map<String, String> urls = new LinkedHashMap<>();
      urls.put("account", config.urlOf(BankService.ACCOUNT) + "/accounts/" + account + "/balance");
      urls.put("orders", config.urlOf(BankService.ORDER) + "/orders/summary");
      urls.put("fraud", config.urlOf(BankService.FRAUD_DETECTION) + "/fraud/status");
      respond(ctx, downstream.fanOut(urls).map(parts -> parts.put("account", account)));
    });
  }
}
