package com.example.bank.notification;

import com.example.bank.common.ServiceConfig;
import com.example.bank.common.ServiceVerticle;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.concurrent.atomic.AtomicLong;

/** bank-notification-service: renders (String.format allocation) and delivers with retry/backoff (I/O wait). */
public final class NotificationVerticle extends ServiceVerticle {
  private final TemplateRenderer renderer;
  private final DeliveryClient delivery = new DeliveryClient();
  private final AtomicLong sent = new AtomicLong();

  public NotificationVerticle(ServiceConfig config) {
    super(config);
    this.renderer = new TemplateRenderer(config.optimized());
  }

  @Override
  protected void registerRoutes(Router router) {
    router.post("/notifications/send").handler(ctx -> {
      JsonObject body = bodyOf(ctx);
      String to = requireId(body.getString("to", "A1"), "to");
      String template = requireId(body.getString("template", "PAYMENT"), "template");
      respond(ctx, onWorker(() -> {
        String message = renderer.render(to, template);
        DeliveryClient.Delivery result = delivery.sendWithRetry(to, message);
        sent.incrementAndGet();
        return new JsonObject().put("to", to).put("bytes", message.length())
            .put("attempts", result.attempts()).put("waitedMs", result.waitedMs());
      }));
    });

    router.get("/notifications/status").handler(ctx -> ctx.json(new JsonObject().put("sent", sent.get())));
  }
}
