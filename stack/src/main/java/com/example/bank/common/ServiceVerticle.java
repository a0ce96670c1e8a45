package com.example.bank.common;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.concurrent.Callable;

/**
 * Base of every service: HTTP server with /health and /metrics, JSON helpers, and a way to run
 * workload code on the worker pool. Subclasses only add their domain routes.
 */
public abstract class ServiceVerticle extends VerticleBase {

  protected final ServiceConfig config;
  private PrometheusMeterRegistry registry;
  private HttpServer server;

  protected ServiceVerticle(ServiceConfig config) {
    this.config = config;
  }

  void useRegistry(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  protected PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Adds the service's domain endpoints. */
  protected abstract void registerRoutes(Router router);

  /** Hook for services that need to prepare something (e.g. a warm pool) before listening. */
  protected Future<?> beforeListen() {
    return Future.succeededFuture();
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create().setBodyLimit(64 * 1024));
    router.get("/health").handler(ctx -> ctx.json(new JsonObject()
        .put("status", "UP")
        .put("service", config.serviceName())
        .put("optimized", config.optimized())));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    registerRoutes(router);
    router.route().failureHandler(ctx -> {
      if (ctx.failure() != null) {
        fail(ctx, ctx.failure());
      } else {
        ctx.response().setStatusCode(ctx.statusCode()).end();
      }
    });
    return beforeListen().compose(ignored -> vertx.createHttpServer()
        .requestHandler(router)
        .listen(config.port(), "0.0.0.0")
        .onSuccess(s -> server = s));
  }

  int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  /**
   * Runs blocking or CPU-heavy workload code on a worker thread. ordered=false lets concurrent
   * requests run in parallel, which is what makes the synchronized hotspots actually contend.
   */
  protected <T> Future<T> onWorker(Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }

  /** Replies 200 with the JSON result, or 400/500 with an error message. */
  protected void respond(RoutingContext ctx, Future<JsonObject> result) {
    result.onSuccess(ctx::json).onFailure(err -> fail(ctx, err));
  }

  protected static void fail(RoutingContext ctx, Throwable err) {
    int status = err instanceof IllegalArgumentException ? 400 : 500;
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status)
          .putHeader("content-type", "application/json")
          .end(new JsonObject().put("error", String.valueOf(err.getMessage())).encode());
    }
  }

  /** The request's JSON body, or an empty object when there is none. */
  protected static JsonObject bodyOf(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      return body == null ? new JsonObject() : body;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("body is not a JSON object");
    }
  }

  /** Account/SKU identifiers: short and URL-safe, so they can be used in downstream paths. */
  protected static String requireId(String raw, String what) {
    if (raw == null || !raw.matches("[A-Za-z0-9_-]{1,32}")) {
      throw new IllegalArgumentException(what + " must match [A-Za-z0-9_-]{1,32}");
    }
    return raw;
  }

  protected static int intParam(RoutingContext ctx, String name, int defaultValue, int min, int max) {
    String raw = ctx.request().getParam(name);
    if (raw == null || raw.isBlank()) {
      return defaultValue;
    }
    try {
      int value = Integer.parseInt(raw.trim());
      if (value < min || value > max) {
        throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "]");
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer");
    }
  }
}
