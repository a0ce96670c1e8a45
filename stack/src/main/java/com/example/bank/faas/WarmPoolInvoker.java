package com.example.bank.faas;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fix (OPTIMIZED=true): {@link #invokeFromWarmPool} sends each invocation to one of a pool of
 * function verticles deployed once at startup; no deploy/undeploy on the request path.
 */
public final class WarmPoolInvoker implements FunctionInvoker {
  static final int POOL_SIZE = 4;
  private final Vertx vertx;
  private final VerticleLifecycleMetrics metrics;
  private final List<String> addresses = new ArrayList<>();
  private final AtomicInteger next = new AtomicInteger();

  public WarmPoolInvoker(Vertx vertx, VerticleLifecycleMetrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
  }

  @Override
  public Future<Void> warmUp() {
    List<Future<String>> deployments = new ArrayList<>();
    for (int i = 0; i < POOL_SIZE; i++) {
      String address = "faas.warm." + i;
      addresses.add(address);
      deployments.add(vertx.deployVerticle(new FunctionVerticle(address),
          new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)).onSuccess(id -> metrics.deployed()));
    }
    return Future.all(deployments).mapEmpty();
  }

  @Override
  public Future<JsonObject> invoke(String function, JsonObject input) {
    return invokeFromWarmPool(function, input);
  }

  Future<JsonObject> invokeFromWarmPool(String function, JsonObject input) {
    if (addresses.isEmpty()) {
      return Future.failedFuture(new IllegalStateException("warm pool not started"));
    }
    String address = addresses.get(Math.floorMod(next.getAndIncrement(), addresses.size()));
    return vertx.eventBus()
        .<JsonObject>request(address, input, new DeliveryOptions().addHeader(FunctionVerticle.FUNCTION_HEADER, function))
        .map(reply -> reply.body());
  }

  @Override
  public String mode() {
    return "warm";
  }
}
