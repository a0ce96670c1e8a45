package com.example.bank.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StreamWorkloadsTest {
  private static final int PARTITIONS = 4;

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void parallelPartitionsAggregateExactly(boolean optimized) throws Exception {
    WindowAggregator aggregator = new WindowAggregator(optimized);
    long processed = runPartitions(aggregator, 2000);
    assertEquals(2000, aggregator.events());
    assertEquals(250, aggregator.windows()); // 50 accounts x 5 minutes
    long sum = 0;
    for (int a = 0; a < 50; a++) {
      for (int m = 0; m < 5; m++) {
        sum += aggregator.total("A" + a + "@" + (1000 - m));
      }
    }
    assertEquals(processed, sum);
  }

  @Test
  void naiveAggregatorCheckpointsUnderTheMonitor() throws Exception {
    int events = 40 * WindowAggregator.CHECKPOINT_EVERY;
    long floor = 40 * WindowAggregator.CHECKPOINT_WRITE_MS;
    long naive = timed(() -> runPartitions(new WindowAggregator(false), events));
    long optimized = timed(() -> runPartitions(new WindowAggregator(true), events));
    assertTrue(naive >= floor, "checkpoints under the lock cannot overlap: " + naive + "ms");
    assertTrue(optimized < naive, "optimized aggregation should overlap checkpoints: " + optimized + " vs " + naive + "ms");
  }

  @Test
  void lagProbePollsUntilDrained() {
    ConsumerLagProbe.Result r = new ConsumerLagProbe().pollUntilCaughtUp(1000);
    assertEquals(4, r.polls());
    assertEquals(4 * ConsumerLagProbe.POLL_INTERVAL_MS, r.waitedMs());
    assertEquals(0, new ConsumerLagProbe().pollUntilCaughtUp(0).polls());
    assertThrows(IllegalArgumentException.class, () -> new ConsumerLagProbe().pollUntilCaughtUp(-1));
  }

  private static long runPartitions(WindowAggregator aggregator, int events) throws Exception {
    TransactionPartition worker = new TransactionPartition(aggregator);
    ExecutorService pool = Executors.newFixedThreadPool(PARTITIONS);
    try {
      List<Future<Long>> parts = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        int partition = p;
        parts.add(pool.submit(() -> worker.process(partition, PARTITIONS, events, 1000)));
      }
      long total = 0;
      for (Future<Long> f : parts) {
        total += f.get();
      }
      return total;
    } finally {
      pool.shutdownNow();
    }
  }

  private interface Task {
    void run() throws Exception;
  }

  private static long timed(Task task) throws Exception {
    long start = System.nanoTime();
    task.run();
    return (System.nanoTime() - start) / 1_000_000;
  }
}
