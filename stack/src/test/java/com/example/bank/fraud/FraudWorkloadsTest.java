package com.example.bank.fraud;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.bank.common.DenseMatrix;
import com.example.bank.support.Workloads;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FraudWorkloadsTest {

  @Test
  void matrixMultiplication() {
    double[][] c = DenseMatrix.multiply(new double[][] {{1, 2}, {3, 4}}, new double[][] {{5, 6}, {7, 8}});
    assertArrayEquals(new double[] {19, 22}, c[0]);
    assertArrayEquals(new double[] {43, 50}, c[1]);
    assertThrows(IllegalArgumentException.class,
        () -> DenseMatrix.multiply(new double[][] {{1, 2}}, new double[][] {{1, 2}}));
  }

  @Test
  void scoreIsDeterministicProbability() {
    FraudScorer scorer = new FraudScorer();
    double score = scorer.scoreWithMatrix("A1", 420.0, "M42");
    assertTrue(score >= 0 && score <= 1, "score " + score);
    assertEquals(score, new FraudScorer().scoreWithMatrix("A1", 420.0, "M42"));
  }

  @Test
  void reportIsIdenticalInBothModes() {
    List<FraudReportBuilder.Flag> flags = flags(200);
    String naive = new FraudReportBuilder(false).build(flags);
    assertEquals(naive, new FraudReportBuilder(true).build(flags));
    assertEquals(201, naive.split("\n").length);
    assertTrue(naive.contains("T3,A3,0.757,REVIEW\n"), naive.substring(0, 120));
  }

  @Test
  void concatenationInLoopAllocatesQuadratically() {
    List<FraudReportBuilder.Flag> flags = flags(1000);
    FraudReportBuilder naive = new FraudReportBuilder(false);
    FraudReportBuilder optimized = new FraudReportBuilder(true);
    naive.build(flags);
    optimized.build(flags);
    long naiveBytes = Workloads.allocatedBytes(() -> naive.build(flags));
    long optimizedBytes = Workloads.allocatedBytes(() -> optimized.build(flags));
    assertTrue(naiveBytes > 10 * optimizedBytes, "+= in a loop should copy the report each line: " + naiveBytes + " vs " + optimizedBytes);
  }

  private static List<FraudReportBuilder.Flag> flags(int n) {
    List<FraudReportBuilder.Flag> flags = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      flags.add(new FraudReportBuilder.Flag("T" + i, "A" + i, (i * 7919 % 1000) / 1000.0));
    }
    return flags;
  }
}
