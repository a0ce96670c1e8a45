package com.example.bank.order;

import com.example.bank.common.ServiceConfig;
import com.example.bank.common.ServiceVerticle;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * bank-order-service: places orders. Each order line is reserved on its own worker thread, so the
 * synchronized inventory ledger is contended even at a modest request rate (mutex profile).
 */
public final class OrderVerticle extends ServiceVerticle {
  private static final int MAX_LINES = 16;
  private final InventoryLedger inventory;
  private final AtomicLong orders = new AtomicLong();

  public OrderVerticle(ServiceConfig config) {
    super(config);
    this.inventory = new InventoryLedger(config.optimized());
  }

  @Override
  protected void registerRoutes(Router router) {
    router.post("/orders").handler(ctx -> {
      JsonObject body = bodyOf(ctx);
      String customer = requireId(body.getString("customer", "C1"), "customer");
      JsonArray items = body.getJsonArray("items", defaultItems());
      if (items.isEmpty() || items.size() > MAX_LINES) {
        throw new IllegalArgumentException("items must have 1.." + MAX_LINES + " lines");
      }
      List<Future<JsonObject>> lines = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        JsonObject item = items.getJsonObject(i);
        String sku = requireId(item.getString("sku"), "sku");
        int qty = item.getInteger("qty", 1);
        lines.add(onWorker(() -> new JsonObject().put("sku", sku).put("qty", qty)
            .put("reservedTotal", inventory.reserve(sku, qty))));
      }
      respond(ctx, Future.all(lines).map(all -> new JsonObject()
          .put("orderId", "O" + orders.incrementAndGet())
          .put("customer", customer)
          .put("lines", new JsonArray(all.list()))));
    });

    router.get("/orders/summary").handler(ctx -> ctx.json(new JsonObject()
        .put("orders", orders.get())
        .put("reservations", inventory.reservations())));
  }

  private static JsonArray defaultItems() {
    return new JsonArray()
        .add(new JsonObject().put("sku", "SKU-1").put("qty", 1))
        .add(new JsonObject().put("sku", "SKU-2").put("qty", 2))
        .add(new JsonObject().put("sku", "SKU-3").put("qty", 1))
        .add(new JsonObject().put("sku", "SKU-4").put("qty", 3));
  }
}
