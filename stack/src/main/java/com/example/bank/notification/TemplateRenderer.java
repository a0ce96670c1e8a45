package com.example.bank.notification;

import java.util.Locale;

/**
 * Renders a notification from its template, one line per detail row. Hotspot (OPTIMIZED=false):
 * {@link #renderWithFormat} calls String.format in the loop. Fix: {@link #renderWithBuilder}.
 */
public final class TemplateRenderer {
  static final int DETAIL_ROWS = 120;
  private final boolean optimized;

  public TemplateRenderer(boolean optimized) {
    this.optimized = optimized;
  }

  public String render(String recipient, String template) {
    return optimized ? renderWithBuilder(recipient, template) : renderWithFormat(recipient, template);
  }

  String renderWithFormat(String recipient, String template) {
    StringBuilder body = new StringBuilder();
    body.append(String.format(Locale.ROOT, "Dear %s,%n[%s]%n", recipient, template));
    for (int row = 1; row <= DETAIL_ROWS; row++) {
      body.append(String.format(Locale.ROOT, "  %3d. %-10s ref=%08X amount=%,d%n", row, template, row * 2654435761L & 0xFFFFFFFFL, row * 1000L));
    }
    return body.toString();
  }

  String renderWithBuilder(String recipient, String template) {
    StringBuilder body = new StringBuilder(64 + DETAIL_ROWS * 48);
    body.append("Dear ").append(recipient).append(",\n[").append(template).append("]\n");
    for (int row = 1; row <= DETAIL_ROWS; row++) {
      body.append("  ");
      String index = Integer.toString(row);
      for (int p = index.length(); p < 3; p++) {
        body.append(' ');
      }
      body.append(index).append(". ").append(template);
      for (int p = template.length(); p < 10; p++) {
        body.append(' ');
      }
      String ref = Long.toHexString(row * 2654435761L & 0xFFFFFFFFL).toUpperCase(Locale.ROOT);
      body.append(" ref=");
      for (int p = ref.length(); p < 8; p++) {
        body.append('0');
      }
      body.append(ref).append(" amount=");
      appendGrouped(body, row * 1000L);
      body.append('\n');
    }
    return body.toString();
  }

  /** Thousands separators like %,d in Locale.ROOT. */
  private static void appendGrouped(StringBuilder out, long value) {
    String digits = Long.toString(value);
    int first = digits.length() % 3 == 0 ? 3 : digits.length() % 3;
    out.append(digits, 0, first);
    for (int i = first; i < digits.length(); i += 3) {
      out.append(',').append(digits, i, i + 3);
    }
  }
}
