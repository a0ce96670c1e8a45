package com.example.bank.faas;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/**
 * One function instance: listens on its own event-bus address and runs FunctionLibrary calls.
 * Deployed as a worker verticle, so function code never blocks an event loop. Starting an instance
 * loads its own copy of the function code ({@link FunctionSandbox}): the cost of a cold start.
 */
public final class FunctionVerticle extends VerticleBase {
  public static final String FUNCTION_HEADER = "function";
  private final String address;
  private MessageConsumer<JsonObject> consumer;

  public FunctionVerticle(String address) {
    this.address = address;
  }

  @Override
  public Future<?> start() {
    FunctionSandbox code = FunctionSandbox.load();
    consumer = vertx.eventBus().consumer(address, message -> {
      try {
        message.reply(code.invoke(message.headers().get(FUNCTION_HEADER), message.body()));
      } catch (IllegalArgumentException e) {
        message.fail(400, e.getMessage());
      } catch (RuntimeException e) {
        message.fail(500, String.valueOf(e.getMessage()));
      }
    });
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }
}
