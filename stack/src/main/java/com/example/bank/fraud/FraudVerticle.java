package com.example.bank.fraud;

import com.example.bank.common.ServiceConfig;
import com.example.bank.common.ServiceVerticle;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** bank-fraud-detection-service: matrix-based risk scoring (CPU) and the analyst report (allocation). */
public final class FraudVerticle extends ServiceVerticle {
  private static final int MAX_REPORT_ROWS = 5_000;
  private final FraudScorer scorer = new FraudScorer();
  private final FraudReportBuilder reports;
  private final AtomicLong scored = new AtomicLong();

  public FraudVerticle(ServiceConfig config) {
    super(config);
    this.reports = new FraudReportBuilder(config.optimized());
  }

  @Override
  protected void registerRoutes(Router router) {
    router.post("/fraud/score").handler(ctx -> {
      JsonObject body = bodyOf(ctx);
      String account = requireId(body.getString("account", "A1"), "account");
      String merchant = requireId(body.getString("merchant", "M1"), "merchant");
      double amount = Double.parseDouble(String.valueOf(body.getValue("amount", "100")));
      respond(ctx, onWorker(() -> {
        double score = scorer.scoreWithMatrix(account, amount, merchant);
        scored.incrementAndGet();
        return new JsonObject().put("account", account).put("score", score)
            .put("decision", score > 0.8 ? "BLOCK" : score > 0.5 ? "REVIEW" : "ALLOW");
      }));
    });

    router.get("/fraud/report").handler(ctx -> {
      int rows = intParam(ctx, "rows", 1000, 1, MAX_REPORT_ROWS);
      respond(ctx, onWorker(() -> {
        String csv = reports.build(sampleFlags(rows));
        return new JsonObject().put("rows", rows).put("bytes", csv.length())
            .put("head", csv.substring(0, Math.min(200, csv.length())));
      }));
    });

    router.get("/fraud/status").handler(ctx -> ctx.json(new JsonObject()
        .put("scored", scored.get()).put("model", "dense-3x64")));
  }

  private static List<FraudReportBuilder.Flag> sampleFlags(int rows) {
    List<FraudReportBuilder.Flag> flags = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      flags.add(new FraudReportBuilder.Flag("T" + i, "A" + (i % 97), (i * 7919 % 1000) / 1000.0));
    }
    return flags;
  }
}
