package com.example.bank.support;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Measurements the workload tests use to tell the slow path from the fixed one by behaviour. */
public final class Workloads {
  private Workloads() {}

  /** Bytes allocated by the current thread while running the task (HotSpot thread allocation counter). */
  public static long allocatedBytes(Runnable task) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(id);
    task.run();
    return threads.getThreadAllocatedBytes(id) - before;
  }

  /** Runs task perThread times on each of threads threads, all released at once; returns wall millis. */
  public static long parallelMillis(int threads, int perThread, Runnable task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          ready.countDown();
          go.await();
          for (int i = 0; i < perThread; i++) {
            task.run();
          }
          return null;
        }));
      }
      ready.await();
      long start = System.nanoTime();
      go.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
      return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    } finally {
      pool.shutdownNow();
    }
  }
}
