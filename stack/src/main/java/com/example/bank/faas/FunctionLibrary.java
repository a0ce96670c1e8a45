package com.example.bank.faas;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** The functions the runtime can invoke; each takes a JSON input and returns a JSON result. */
public final class FunctionLibrary {
  public static final List<String> NAMES = List.of("fibonacci", "hash", "sort", "transform");

  private FunctionLibrary() {}

  public static JsonObject invoke(String name, JsonObject input) {
    return switch (name) {
      case "fibonacci" -> fibonacci(input.getInteger("n", 30));
      case "hash" -> hash(input.getString("text", "payload"));
      case "sort" -> sort(input.getInteger("size", 5000));
      case "transform" -> transform(input.getString("text", "hello faas"));
      default -> throw new IllegalArgumentException("unknown function " + name + ", expected one of " + NAMES);
    };
  }

  private static JsonObject fibonacci(int n) {
    if (n < 0 || n > 90) {
      throw new IllegalArgumentException("n must be in [0, 90]");
    }
    long a = 0;
    long b = 1;
    for (int i = 0; i < n; i++) {
      long next = a + b;
      a = b;
      b = next;
    }
    return new JsonObject().put("n", n).put("value", a);
  }

  private static JsonObject hash(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] value = text.getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < 100; i++) {
        value = digest.digest(value);
      }
      return new JsonObject().put("sha256x100", HexFormat.of().formatHex(value));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonObject sort(int size) {
    if (size < 1 || size > 100_000) {
      throw new IllegalArgumentException("size must be in [1, 100000]");
    }
    int[] values = new int[size];
    int state = size;
    for (int i = 0; i < size; i++) {
      state = state * 1103515245 + 12345;
      values[i] = state >>> 1;
    }
    Arrays.sort(values);
    return new JsonObject().put("size", size).put("min", values[0]).put("max", values[size - 1]);
  }

  private static JsonObject transform(String text) {
    if (text.length() > 10_000) {
      throw new IllegalArgumentException("text too long");
    }
    String upper = text.toUpperCase(Locale.ROOT);
    return new JsonObject().put("upper", upper).put("reversed", new StringBuilder(text).reverse().toString());
  }
}
