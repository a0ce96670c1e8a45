package com.example.bank.common;

import com.example.bank.account.AccountVerticle;
import com.example.bank.faas.FaasVerticle;
import com.example.bank.fraud.FraudVerticle;
import com.example.bank.gateway.GatewayVerticle;
import com.example.bank.loan.LoanVerticle;
import com.example.bank.notification.NotificationVerticle;
import com.example.bank.order.OrderVerticle;
import com.example.bank.payment.PaymentVerticle;
import com.example.bank.stream.StreamVerticle;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/** The nine services: Pyroscope application name, default port, and the verticle that implements it. */
public enum BankService {
  API_GATEWAY("bank-api-gateway", 8080, "GATEWAY_URL", GatewayVerticle::new),
  ORDER("bank-order-service", 8081, "ORDER_URL", OrderVerticle::new),
  PAYMENT("bank-payment-service", 8082, "PAYMENT_URL", PaymentVerticle::new),
  FRAUD_DETECTION("bank-fraud-detection-service", 8083, "FRAUD_URL", FraudVerticle::new),
  ACCOUNT("bank-account-service", 8084, "ACCOUNT_URL", AccountVerticle::new),
  LOAN("bank-loan-service", 8085, "LOAN_URL", LoanVerticle::new),
  NOTIFICATION("bank-notification-service", 8086, "NOTIFICATION_URL", NotificationVerticle::new),
  STREAM_PROCESSING("bank-stream-processing-service", 8087, "STREAM_URL", StreamVerticle::new),
  FAAS_RUNTIME("bank-faas-runtime", 8088, "FAAS_URL", FaasVerticle::new);

  private final String serviceName;
  private final int defaultPort;
  private final String urlEnvVar;
  private final Function<ServiceConfig, ServiceVerticle> factory;

  BankService(String serviceName, int defaultPort, String urlEnvVar,
      Function<ServiceConfig, ServiceVerticle> factory) {
    this.serviceName = serviceName;
    this.defaultPort = defaultPort;
    this.urlEnvVar = urlEnvVar;
    this.factory = factory;
  }

  public String serviceName() {
    return serviceName;
  }

  public int defaultPort() {
    return defaultPort;
  }

  public String urlEnvVar() {
    return urlEnvVar;
  }

  public ServiceVerticle newVerticle(ServiceConfig config) {
    return factory.apply(config);
  }

  public static BankService byName(String name) {
    return Arrays.stream(values())
        .filter(s -> s.serviceName.equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown SERVICE_NAME '" + name + "', expected one of " + names()));
  }

  public static List<String> names() {
    return Arrays.stream(values()).map(BankService::serviceName).toList();
  }
}
