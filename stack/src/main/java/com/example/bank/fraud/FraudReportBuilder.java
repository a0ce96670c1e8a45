package com.example.bank.fraud;

import java.util.List;

/**
 * Renders the analyst report of flagged transactions. Hotspot (OPTIMIZED=false):
 * {@link #buildWithConcatenation} grows a String with += in a loop, copying the whole report on
 * every line (allocation profile). Fix: {@link #buildWithStringBuilder}.
 */
public final class FraudReportBuilder {
  private final boolean optimized;

  public FraudReportBuilder(boolean optimized) {
    this.optimized = optimized;
  }

  public record Flag(String txId, String account, double score) {}

  public String build(List<Flag> flags) {
    return optimized ? buildWithStringBuilder(flags) : buildWithConcatenation(flags);
  }

  String buildWithConcatenation(List<Flag> flags) {
    String report = "txId,account,score,decision\n";
    for (Flag flag : flags) {
      report += flag.txId() + "," + flag.account() + "," + Math.round(flag.score() * 1000) / 1000.0
          + "," + decision(flag.score()) + "\n";
    }
    return report;
  }

  String buildWithStringBuilder(List<Flag> flags) {
    StringBuilder report = new StringBuilder(32 + flags.size() * 40).append("txId,account,score,decision\n");
    for (Flag flag : flags) {
      report.append(flag.txId()).append(',').append(flag.account()).append(',')
          .append(Math.round(flag.score() * 1000) / 1000.0).append(',')
          .append(decision(flag.score())).append('\n');
    }
    return report.toString();
  }

  private static String decision(double score) {
    return score > 0.8 ? "BLOCK" : score > 0.5 ? "REVIEW" : "ALLOW";
  }
}
