package com.example.bank.faas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FunctionInvokerTest {
  private static final int INVOCATIONS = 10;
  private Vertx vertx;
  private VerticleLifecycleMetrics metrics;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    metrics = new VerticleLifecycleMetrics(new SimpleMeterRegistry());
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void coldInvokerDeploysAndUndeploysPerInvocation() throws Exception {
    ColdStartInvoker invoker = new ColdStartInvoker(vertx, metrics);
    for (int i = 0; i < INVOCATIONS; i++) {
      assertEquals(new JsonObject().put("n", 10).put("value", 55L), await(invoker.invoke("fibonacci", new JsonObject().put("n", 10))));
      assertEquals(0, vertx.deploymentIDs().size(), "the function verticle must be undeployed after the call");
    }
    assertEquals(INVOCATIONS, metrics.deploymentCount());
  }

  @Test
  void warmPoolDeploysOnceAndReusesVerticles() throws Exception {
    WarmPoolInvoker invoker = new WarmPoolInvoker(vertx, metrics);
    await(invoker.warmUp());
    for (int i = 0; i < INVOCATIONS; i++) {
      JsonObject result = await(invoker.invoke("sort", new JsonObject().put("size", 100)));
      assertEquals(100, result.getInteger("size"));
    }
    assertEquals(WarmPoolInvoker.POOL_SIZE, metrics.deploymentCount());
    assertEquals(WarmPoolInvoker.POOL_SIZE, vertx.deploymentIDs().size());
  }

  @Test
  void eachFunctionInstanceDefinesItsOwnCopyOfTheCode() {
    FunctionSandbox first = FunctionSandbox.load();
    FunctionSandbox second = FunctionSandbox.load();
    assertEquals(55L, first.invoke("fibonacci", new JsonObject().put("n", 10)).getLong("value"));
    assertEquals(FunctionLibrary.class.getName(), first.codeClass().getName());
    assertNotSame(FunctionLibrary.class, first.codeClass());
    assertNotSame(first.codeClass(), second.codeClass());
    assertThrows(IllegalArgumentException.class, () -> second.invoke("nope", new JsonObject()));
  }

  @Test
  void functionLibraryValidatesInput() {
    assertEquals("HELLO", FunctionLibrary.invoke("transform", new JsonObject().put("text", "hello")).getString("upper"));
    assertEquals(64, FunctionLibrary.invoke("hash", new JsonObject()).getString("sha256x100").length());
    assertThrows(IllegalArgumentException.class, () -> FunctionLibrary.invoke("nope", new JsonObject()));
    assertThrows(IllegalArgumentException.class, () -> FunctionLibrary.invoke("sort", new JsonObject().put("size", 0)));
  }

  private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
