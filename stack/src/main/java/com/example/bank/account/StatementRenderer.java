package com.example.bank.account;

import java.util.Locale;

/**
 * Renders a monthly statement. Hotspot (OPTIMIZED=false): {@link #renderWithFormat} calls
 * String.format for every line (parsing the pattern and boxing each time: allocation + CPU).
 * Fix: {@link #renderWithBuilder} appends to one StringBuilder with hand-written padding.
 */
public final class StatementRenderer {
  private final boolean optimized;

  public StatementRenderer(boolean optimized) {
    this.optimized = optimized;
  }

  public String render(String account, int lines) {
    return optimized ? renderWithBuilder(account, lines) : renderWithFormat(account, lines);
  }

  String renderWithFormat(String account, int lines) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "Statement for %s%n", account));
    for (int i = 1; i <= lines; i++) {
      out.append(String.format(Locale.ROOT, "%05d %-12s %10d.%02d%n", i, description(i), cents(i) / 100, cents(i) % 100));
    }
    return out.toString();
  }

  String renderWithBuilder(String account, int lines) {
    StringBuilder out = new StringBuilder(32 + lines * 32);
    out.append("Statement for ").append(account).append('\n');
    for (int i = 1; i <= lines; i++) {
      padLeft(out, Integer.toString(i), 5, '0');
      out.append(' ');
      String description = description(i);
      out.append(description);
      for (int p = description.length(); p < 12; p++) {
        out.append(' ');
      }
      out.append(' ');
      padLeft(out, Long.toString(cents(i) / 100), 10, ' ');
      out.append('.');
      padLeft(out, Long.toString(cents(i) % 100), 2, '0');
      out.append('\n');
    }
    return out.toString();
  }

  private static void padLeft(StringBuilder out, String value, int width, char pad) {
    for (int p = value.length(); p < width; p++) {
      out.append(pad);
    }
    out.append(value);
  }

  private static String description(int line) {
    return switch (line % 4) {
      case 0 -> "CARD";
      case 1 -> "TRANSFER";
      case 2 -> "DIRECTDEBIT";
      default -> "INTEREST";
    };
  }

  private static long cents(int line) {
    return (line * 7919L) % 250_000L;
  }
}
