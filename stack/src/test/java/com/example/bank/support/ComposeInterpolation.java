package com.example.bank.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compose-style variable interpolation of a parsed YAML tree: $$, $VAR, ${VAR}, ${VAR:-default},
 * ${VAR-default}, ${VAR:?error}, ${VAR?error}. Applied to string values (not keys), as Compose
 * does before it validates the file.
 */
public final class ComposeInterpolation {
  private static final Pattern TOKEN = Pattern.compile(
      "\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");

  private ComposeInterpolation() {}

  public static Object interpolate(Object node, Map<String, String> env) {
    if (node instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(k, interpolate(v, env)));
      return out;
    }
    if (node instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(v -> out.add(interpolate(v, env)));
      return out;
    }
    if (node instanceof String s) {
      return interpolateString(s, env);
    }
    return node;
  }

  public static String interpolateString(String text, Map<String, String> env) {
    Matcher m = TOKEN.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement;
      if (m.group().equals("$$")) {
        replacement = "$";
      } else if (m.group(4) != null) {
        replacement = env.getOrDefault(m.group(4), "");
      } else {
        String name = m.group(1);
        String op = m.group(2);
        String arg = m.group(3) == null ? "" : m.group(3);
        String value = env.get(name);
        boolean unsetOrEmpty = value == null || value.isEmpty();
        if (op == null) {
          replacement = value == null ? "" : value;
        } else if (op.equals(":-")) {
          replacement = unsetOrEmpty ? arg : value;
        } else if (op.equals("-")) {
          replacement = value == null ? arg : value;
        } else if (op.equals(":?") && unsetOrEmpty || op.equals("?") && value == null) {
          throw new IllegalArgumentException("required variable " + name + " is missing: " + arg);
        } else {
          replacement = value;
        }
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }
}
