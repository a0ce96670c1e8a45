package com.example.bank.faas;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** How the runtime gets a function instance to run an invocation on. */
public interface FunctionInvoker {
  Future<JsonObject> invoke(String function, JsonObject input);

  /** Prepares instances ahead of traffic, if the strategy has any. */
  default Future<Void> warmUp() {
    return Future.succeededFuture();
  }

  /** "cold" or "warm", for metrics and responses. */
  String mode();
}
