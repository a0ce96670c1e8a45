package com.example.bank.common;

import java.util.Map;
import java.util.Objects;

/**
 * Settings of one service process, read from the environment so that the same jar serves as any
 * of the nine services (SERVICE_NAME, HTTP_PORT, OPTIMIZED, downstream *_URL for the gateway).
 */
public record ServiceConfig(BankService service, int port, boolean optimized, Map<String, String> env) {

  public ServiceConfig {
    Objects.requireNonNull(service, "service");
    env = Map.copyOf(env);
  }

  public static ServiceConfig fromEnv(Map<String, String> env) {
    String name = env.get("SERVICE_NAME");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("SERVICE_NAME is required, one of " + BankService.names());
    }
    BankService service = BankService.byName(name.trim());
    String portText = env.get("HTTP_PORT");
    int port = portText == null || portText.isBlank() ? service.defaultPort() : Integer.parseInt(portText.trim());
    boolean optimized = Boolean.parseBoolean(env.getOrDefault("OPTIMIZED", "false").trim());
    return new ServiceConfig(service, port, optimized, env);
  }

  public String serviceName() {
    return service.serviceName();
  }

  /** Base URL of another service: env var (e.g. ORDER_URL) or its localhost default port. */
  public String urlOf(BankService target) {
    String value = env.get(target.urlEnvVar());
    return value == null || value.isBlank() ? "http://127.0.0.1:" + target.defaultPort() : value.trim();
  }
}
