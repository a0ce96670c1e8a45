package com.example.bank.common;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

/** Creates a metrics-enabled Vert.x instance and deploys one service verticle on it. */
public final class BankApplication {

  /** Worker threads: enough for the contended paths to run truly in parallel. */
  private static final int WORKER_POOL_SIZE = 16;

  private final Vertx vertx;
  private final ServiceVerticle verticle;
  private final PrometheusMeterRegistry registry;

  private BankApplication(Vertx vertx, ServiceVerticle verticle, PrometheusMeterRegistry registry) {
    this.vertx = vertx;
    this.verticle = verticle;
    this.registry = registry;
  }

  public static Future<BankApplication> start(ServiceConfig config) {
    PrometheusMeterRegistry registry = MetricsRegistry.create(config.serviceName());
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        // vertx-micrometer keeps registries in a static map by name: one name per instance, so
        // several services in one JVM (the in-process tests) do not share a registry.
        .setRegistryName(config.serviceName() + "-" + System.identityHashCode(registry))
        .setJvmMetricsEnabled(false) // bound once in MetricsRegistry
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)) // buckets: MetricsRegistry
        .addLabels(Label.HTTP_ROUTE);
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(metrics).setWorkerPoolSize(WORKER_POOL_SIZE))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
    MetricsRegistry.bindJvmMetrics(registry);
    ServiceVerticle verticle = config.service().newVerticle(config);
    verticle.useRegistry(registry);
    return vertx.deployVerticle(verticle)
        .map(id -> new BankApplication(vertx, verticle, registry))
        .recover(err -> vertx.close().transform(ignored -> Future.failedFuture(err)));
  }

  /** The port actually bound (differs from the configured one when that was 0). */
  public int port() {
    return verticle.actualPort();
  }

  public Vertx vertx() {
    return vertx;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public Future<Void> close() {
    return vertx.close().onComplete(ignored -> registry.close());
  }
}
