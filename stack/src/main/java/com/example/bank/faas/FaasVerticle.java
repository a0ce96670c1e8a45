package com.example.bank.faas;

import com.example.bank.common.ServiceConfig;
import com.example.bank.common.ServiceVerticle;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** bank-faas-runtime: invokes functions on verticles, cold (deploy per call) or from a warm pool. */
public final class FaasVerticle extends ServiceVerticle {
  private VerticleLifecycleMetrics metrics;
  private FunctionInvoker invoker;

  public FaasVerticle(ServiceConfig config) {
    super(config);
  }

  @Override
  protected Future<?> beforeListen() {
    metrics = new VerticleLifecycleMetrics(registry());
    invoker = config.optimized() ? new WarmPoolInvoker(vertx, metrics) : new ColdStartInvoker(vertx, metrics);
    return invoker.warmUp();
  }

  @Override
  protected void registerRoutes(Router router) {
    router.post("/fn/invoke/:function").handler(ctx -> {
      String function = ctx.pathParam("function");
      if (!FunctionLibrary.NAMES.contains(function)) {
        throw new IllegalArgumentException("unknown function " + function + ", expected one of " + FunctionLibrary.NAMES);
      }
      JsonObject input = bodyOf(ctx);
      long start = System.nanoTime();
      Future<JsonObject> result = invoker.invoke(function, input)
          .onComplete(ar -> metrics.invocation(function, invoker.mode(), System.nanoTime() - start, ar.succeeded()))
          .map(output -> new JsonObject().put("function", function).put("mode", invoker.mode()).put("result", output))
          .recover(err -> Future.failedFuture(err instanceof ReplyException re && re.failureCode() == 400
              ? new IllegalArgumentException(re.getMessage()) : err));
      respond(ctx, result);
    });

    router.get("/fn/stats").handler(ctx -> ctx.json(new JsonObject()
        .put("mode", invoker.mode()).put("deployments", metrics.deploymentCount())));
  }
}
