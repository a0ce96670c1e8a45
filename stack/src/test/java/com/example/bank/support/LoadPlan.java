package com.example.bank.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * stack/load-plan.json, parsed and checked against the shape the TypeScript load generator's zod
 * schema uses. Any violation is an IllegalArgumentException naming the offending field.
 */
public record LoadPlan(int version, List<Service> services) {
  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE");

  public record Service(String name, String baseUrl, String health, List<Endpoint> endpoints) {}

  public record Endpoint(String name, String method, String path, Object body, Map<String, String> headers, int weight) {}

  public static LoadPlan read(Path file) throws IOException {
    return parse(new JsonObject(Files.readString(file)));
  }

  public static LoadPlan parse(JsonObject root) {
    onlyKeys(root, "plan", Set.of("version", "services"));
    if (!Integer.valueOf(1).equals(root.getValue("version"))) {
      throw new IllegalArgumentException("version must be 1");
    }
    JsonArray services = array(root, "services", "plan");
    List<Service> parsed = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < services.size(); i++) {
      String where = "services[" + i + "]";
      JsonObject s = object(services.getValue(i), where);
      onlyKeys(s, where, Set.of("name", "baseUrl", "health", "endpoints"));
      String name = string(s, "name", where);
      if (!names.add(name)) {
        throw new IllegalArgumentException(where + ".name duplicates " + name);
      }
      String baseUrl = string(s, "baseUrl", where);
      if (!baseUrl.matches("https?://[^/\\s]+") ) {
        throw new IllegalArgumentException(where + ".baseUrl must be scheme://host:port without a path");
      }
      String health = path(s, "health", where);
      JsonArray endpoints = array(s, "endpoints", where);
      List<Endpoint> eps = new ArrayList<>();
      Set<String> epNames = new HashSet<>();
      for (int j = 0; j < endpoints.size(); j++) {
        String at = where + ".endpoints[" + j + "]";
        JsonObject e = object(endpoints.getValue(j), at);
        onlyKeys(e, at, Set.of("name", "method", "path", "body", "headers", "weight"));
        String epName = string(e, "name", at);
        if (!epNames.add(epName)) {
          throw new IllegalArgumentException(at + ".name duplicates " + epName);
        }
        String method = string(e, "method", at);
        if (!METHODS.contains(method)) {
          throw new IllegalArgumentException(at + ".method must be one of " + METHODS);
        }
        Object weight = e.getValue("weight");
        if (!(weight instanceof Integer w) || w < 1) {
          throw new IllegalArgumentException(at + ".weight must be a positive integer");
        }
        Map<String, String> headers = headers(e, at);
        eps.add(new Endpoint(epName, method, path(e, "path", at), e.getValue("body"), headers, (Integer) weight));
      }
      parsed.add(new Service(name, baseUrl, health, List.copyOf(eps)));
    }
    return new LoadPlan(1, List.copyOf(parsed));
  }

  private static Map<String, String> headers(JsonObject e, String at) {
    if (!e.containsKey("headers")) {
      return Map.of();
    }
    JsonObject h = object(e.getValue("headers"), at + ".headers");
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (String key : h.fieldNames()) {
      if (!(h.getValue(key) instanceof String value)) {
        throw new IllegalArgumentException(at + ".headers." + key + " must be a string");
      }
      out.put(key, value);
    }
    return Map.copyOf(out);
  }

  private static void onlyKeys(JsonObject o, String where, Set<String> allowed) {
    for (String key : o.fieldNames()) {
      if (!allowed.contains(key)) {
        throw new IllegalArgumentException(where + " has unknown field " + key);
      }
    }
  }

  private static JsonObject object(Object value, String where) {
    if (!(value instanceof JsonObject o)) {
      throw new IllegalArgumentException(where + " must be an object");
    }
    return o;
  }

  private static JsonArray array(JsonObject o, String key, String where) {
    if (!(o.getValue(key) instanceof JsonArray a) || a.isEmpty()) {
      throw new IllegalArgumentException(where + "." + key + " must be a non-empty array");
    }
    return a;
  }

  private static String string(JsonObject o, String key, String where) {
    if (!(o.getValue(key) instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException(where + "." + key + " must be a non-empty string");
    }
    return s;
  }

  private static String path(JsonObject o, String key, String where) {
    String p = string(o, key, where);
    if (!p.startsWith("/")) {
      throw new IllegalArgumentException(where + "." + key + " must start with /");
    }
    return p;
  }
}
