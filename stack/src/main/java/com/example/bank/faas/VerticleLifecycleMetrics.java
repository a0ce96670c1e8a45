package com.example.bank.faas;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** Counters and timers of verticle deploys/undeploys and invocations (FaaS dashboard). */
public final class VerticleLifecycleMetrics {
  private final MeterRegistry registry;
  private final Counter deployments;
  private final Counter undeployments;

  public VerticleLifecycleMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.deployments = Counter.builder("bank.faas.verticle.deployments")
        .description("Function verticles deployed").register(registry);
    this.undeployments = Counter.builder("bank.faas.verticle.undeployments")
        .description("Function verticles undeployed").register(registry);
  }

  public void deployed() {
    deployments.increment();
  }

  public void undeployed() {
    undeployments.increment();
  }

  public double deploymentCount() {
    return deployments.count();
  }

  public void invocation(String function, String mode, long nanos, boolean success) {
    Timer.builder("bank.faas.invocation")
        .description("Function invocation latency including any cold start")
        .tag("function", function).tag("mode", mode).tag("outcome", success ? "success" : "error")
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }
}
