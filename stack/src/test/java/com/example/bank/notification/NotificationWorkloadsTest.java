package com.example.bank.notification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.bank.support.Workloads;
import org.junit.jupiter.api.Test;

class NotificationWorkloadsTest {

  @Test
  void templateIsIdenticalInBothModes() {
    String naive = new TemplateRenderer(false).render("A1", "PAYMENT");
    assertEquals(naive, new TemplateRenderer(true).render("A1", "PAYMENT"));
    assertTrue(naive.contains("    1. PAYMENT    ref=9E3779B1 amount=1,000\n"), naive.substring(0, 80));
    assertEquals(TemplateRenderer.DETAIL_ROWS + 2, naive.split("\n").length);
  }

  @Test
  void optimizedTemplateAllocatesLess() {
    TemplateRenderer naive = new TemplateRenderer(false);
    TemplateRenderer optimized = new TemplateRenderer(true);
    naive.render("A1", "PAYMENT");
    optimized.render("A1", "PAYMENT");
    long naiveBytes = Workloads.allocatedBytes(() -> naive.render("A1", "PAYMENT"));
    long optimizedBytes = Workloads.allocatedBytes(() -> optimized.render("A1", "PAYMENT"));
    assertTrue(naiveBytes > 2 * optimizedBytes, "String.format per row should allocate more: " + naiveBytes + " vs " + optimizedBytes);
  }

  @Test
  void retriesWithExponentialBackoff() {
    DeliveryClient client = new DeliveryClient();
    DeliveryClient.Delivery first = client.sendWithRetry("A1", "m"); // ticket 1: accepted at once
    DeliveryClient.Delivery second = client.sendWithRetry("A1", "m"); // ticket 2: one retry
    client.sendWithRetry("A1", "m");
    DeliveryClient.Delivery fourth = client.sendWithRetry("A1", "m"); // ticket 4: two retries
    long rt = DeliveryClient.ROUND_TRIP_MS;
    long backoff = DeliveryClient.INITIAL_BACKOFF_MS;
    assertEquals(new DeliveryClient.Delivery(1, rt), first);
    assertEquals(new DeliveryClient.Delivery(2, 2 * rt + backoff), second);
    assertEquals(new DeliveryClient.Delivery(3, 3 * rt + backoff + 2 * backoff), fourth);
  }
}
