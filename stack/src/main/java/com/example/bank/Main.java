package com.example.bank;

import com.example.bank.common.BankApplication;
import com.example.bank.common.ServiceConfig;

/** Entry point of the fat jar: starts the one service named by SERVICE_NAME. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    ServiceConfig config = ServiceConfig.fromEnv(System.getenv());
    BankApplication.start(config)
        .onSuccess(app -> System.out.printf("%s listening on port %d (optimized=%s)%n",
            config.serviceName(), app.port(), config.optimized()))
        .onFailure(err -> {
          err.printStackTrace();
          System.exit(1);
        });
  }
}
