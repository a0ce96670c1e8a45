package com.example.bank.stream;

import com.example.bank.common.ServiceConfig;
import com.example.bank.common.ServiceVerticle;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;

/**
 * bank-stream-processing-service: windowed aggregation of a transaction batch over parallel
 * partitions (lock contention on the shared aggregator) and consumer-lag waits (I/O).
 */
public final class StreamVerticle extends ServiceVerticle {
  private final WindowAggregator aggregator;
  private final TransactionPartition partitionWorker;
  private final ConsumerLagProbe lagProbe = new ConsumerLagProbe();

  public StreamVerticle(ServiceConfig config) {
    super(config);
    this.aggregator = new WindowAggregator(config.optimized());
    this.partitionWorker = new TransactionPartition(aggregator);
  }

  @Override
  protected void registerRoutes(Router router) {
    router.post("/streams/window").handler(ctx -> {
      JsonObject body = bodyOf(ctx);
      int events = body.getInteger("events", 2000);
      int partitions = body.getInteger("partitions", 4);
      if (events < 1 || events > 50_000 || partitions < 1 || partitions > 16) {
        throw new IllegalArgumentException("events must be in [1, 50000] and partitions in [1, 16]");
      }
      long epochMinute = System.currentTimeMillis() / 60_000;
      List<Future<Long>> parts = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        int partition = p;
        parts.add(onWorker(() -> partitionWorker.process(partition, partitions, events, epochMinute)));
      }
      respond(ctx, Future.all(parts).map(all -> {
        long cents = 0;
        for (int i = 0; i < all.size(); i++) {
          cents += all.<Long>resultAt(i);
        }
        return new JsonObject().put("events", events).put("partitions", partitions)
            .put("amountCents", cents).put("windows", aggregator.windows())
            .put("totalEvents", aggregator.events());
      }));
    });

    router.get("/streams/lag").handler(ctx -> {
      int lag = intParam(ctx, "lag", 1000, 0, 100_000);
      respond(ctx, onWorker(() -> {
        ConsumerLagProbe.Result r = lagProbe.pollUntilCaughtUp(lag);
        return new JsonObject().put("lag", lag).put("polls", r.polls()).put("waitedMs", r.waitedMs());
      }));
    });
  }
}
