package com.example.bank.stream;

/**
 * One partition of the transaction stream: generates its slice of synthetic events and feeds them
 * to the shared window aggregator. Window keys are built by string concatenation per event, a
 * realistic source of short-lived garbage (allocation profile, same in both modes).
 */
public final class TransactionPartition {
  private final WindowAggregator aggregator;

  public TransactionPartition(WindowAggregator aggregator) {
    this.aggregator = aggregator;
  }

  /** Processes events [partition, events) with stride partitions; returns the amount processed. */
  public long process(int partition, int partitions, int events, long epochMinute) {
    long processed = 0;
    for (int i = partition; i < events; i += partitions) {
      String account = "A" + (i % 50);
      long minute = epochMinute - ((i / 50) % 5);
      long amountCents = (i * 7919L) % 100_000L;
      aggregator.add(account + "@" + minute, amountCents);
      processed += amountCents;
    }
    return processed;
  }
}
