package com.example.bank.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceConfigTest {

  @Test
  void nineServicesWithTheirContractPorts() {
    assertEquals(List.of("bank-api-gateway", "bank-order-service", "bank-payment-service",
        "bank-fraud-detection-service", "bank-account-service", "bank-loan-service",
        "bank-notification-service", "bank-stream-processing-service", "bank-faas-runtime"), BankService.names());
    for (BankService s : BankService.values()) {
      assertEquals(8080 + s.ordinal(), s.defaultPort(), s.serviceName());
    }
  }

  @Test
  void defaultsFromTheService() {
    ServiceConfig config = ServiceConfig.fromEnv(Map.of("SERVICE_NAME", "bank-payment-service"));
    assertEquals(BankService.PAYMENT, config.service());
    assertEquals(8082, config.port());
    assertFalse(config.optimized());
    assertEquals("http://127.0.0.1:8081", config.urlOf(BankService.ORDER));
  }

  @Test
  void environmentOverrides() {
    ServiceConfig config = ServiceConfig.fromEnv(Map.of(
        "SERVICE_NAME", "bank-api-gateway", "HTTP_PORT", "9999", "OPTIMIZED", "true",
        "PAYMENT_URL", "http://payment:8082"));
    assertEquals(9999, config.port());
    assertTrue(config.optimized());
    assertEquals("http://payment:8082", config.urlOf(BankService.PAYMENT));
  }

  @Test
  void rejectsMissingOrUnknownService() {
    assertThrows(IllegalArgumentException.class, () -> ServiceConfig.fromEnv(Map.of()));
    assertThrows(IllegalArgumentException.class, () -> ServiceConfig.fromEnv(Map.of("SERVICE_NAME", "bank-nope")));
  }
}
