package com.example.bank.notification;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends a rendered message to the (simulated) SMS/e-mail provider. The provider is slow (network
 * round trip) and rejects a share of first attempts, so {@link #sendWithRetry} sleeps with
 * exponential backoff between attempts: I/O wait that shows up in wall-clock profiles and latency.
 */
public final class DeliveryClient {
  static final long ROUND_TRIP_MS = 3;
  static final long INITIAL_BACKOFF_MS = 4;
  static final int MAX_ATTEMPTS = 4;

  private final AtomicLong sequence = new AtomicLong();

  public record Delivery(int attempts, long waitedMs) {}

  public Delivery sendWithRetry(String recipient, String message) {
    long ticket = sequence.incrementAndGet();
    long waited = 0;
    long backoff = INITIAL_BACKOFF_MS;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      sleep(ROUND_TRIP_MS);
      waited += ROUND_TRIP_MS;
      if (providerAccepts(ticket, attempt)) {
        return new Delivery(attempt, waited);
      }
      sleep(backoff);
      waited += backoff;
      backoff *= 2;
    }
    throw new IllegalStateException("provider rejected " + MAX_ATTEMPTS + " attempts for " + recipient);
  }

  /** Deterministic flakiness: every 2nd message needs one retry, every 4th needs two. */
  static boolean providerAccepts(long ticket, int attempt) {
    int failuresBeforeSuccess = ticket % 4 == 0 ? 2 : ticket % 2 == 0 ? 1 : 0;
    return attempt > failuresBeforeSuccess;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while delivering", e);
    }
  }
}
