package com.example.bank.faas;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * Hotspot (OPTIMIZED=false): {@link #invokeWithColdDeploy} deploys a fresh function verticle for
 * every invocation and undeploys it afterwards (cold start each time: deployment, consumer
 * registration, class/context setup, teardown).
 */
public final class ColdStartInvoker implements FunctionInvoker {
  private final Vertx vertx;
  private final VerticleLifecycleMetrics metrics;

  public ColdStartInvoker(Vertx vertx, VerticleLifecycleMetrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
  }

  @Override
  public Future<JsonObject> invoke(String function, JsonObject input) {
    return invokeWithColdDeploy(function, input);
  }

  Future<JsonObject> invokeWithColdDeploy(String function, JsonObject input) {
    String address = "faas.cold." + UUID.randomUUID();
    return vertx.deployVerticle(new FunctionVerticle(address), new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
        .compose(deploymentId -> {
          metrics.deployed();
          Future<JsonObject> result = vertx.eventBus()
              .<JsonObject>request(address, input, new DeliveryOptions().addHeader(FunctionVerticle.FUNCTION_HEADER, function))
              .map(reply -> reply.body());
          // Undeploy whatever the outcome, then hand back the function's result.
          return result.eventually(() -> vertx.undeploy(deploymentId).onSuccess(v -> metrics.undeployed()));
        });
  }

  @Override
  public String mode() {
    return "cold";
  }
}
