package com.example.bank.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.bank.support.StackPaths;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** Grafana dashboards and Prometheus rules reference only what the stack provides. */
class ObservabilityConfigTest {
  /** Profile types the agent settings in this stack produce (jvm-stack.md §1.5). */
  private static final Set<String> AGENT_PROFILE_TYPES = Set.of(
      "process_cpu:cpu:nanoseconds:cpu:nanoseconds",
      "memory:alloc_in_new_tlab_bytes:bytes:space:bytes",
      "memory:alloc_in_new_tlab_objects:count:space:bytes",
      "mutex:delay:nanoseconds:mutex:count",
      "mutex:contentions:count:mutex:count",
      "wall:wall:nanoseconds:wall:nanoseconds");
  private final Path stack = StackPaths.stackDir();

  @Test
  void sixDashboardsReferencingProvisionedDatasources() throws Exception {
    Set<String> provisionedUids = datasourceUids();
    assertEquals(Set.of("prometheus", "pyroscope"), provisionedUids);
    Set<String> titles = new TreeSet<>();
    Set<String> uids = new HashSet<>();
    try (Stream<Path> files = Files.list(stack.resolve("grafana/dashboards"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
        JsonObject dashboard = new JsonObject(Files.readString(file));
        titles.add(dashboard.getString("title"));
        assertTrue(uids.add(dashboard.getString("uid")), "duplicate uid in " + file);
        JsonArray panels = dashboard.getJsonArray("panels");
        assertTrue(panels != null && !panels.isEmpty(), file + " has no panels");
        for (Object p : panels) {
          JsonObject panel = (JsonObject) p;
          assertTrue(provisionedUids.contains(panel.getJsonObject("datasource").getString("uid")), file + ": " + panel.getString("title"));
          for (Object t : panel.getJsonArray("targets")) {
            JsonObject target = (JsonObject) t;
            if (target.containsKey("profileTypeId")) {
              assertTrue(AGENT_PROFILE_TYPES.contains(target.getString("profileTypeId")), file + ": " + target.getString("profileTypeId"));
            }
          }
        }
      }
    }
    assertEquals(new TreeSet<>(List.of("Profiling overview", "JVM metrics", "HTTP performance", "Service comparison",
        "Before vs after fix", "FaaS and verticle lifecycle")), titles);
  }

  @Test
  @SuppressWarnings("unchecked")
  void alertRulesCoverCpuHeapGcAndLatency() throws Exception {
    Map<String, Object> rules = new Yaml().load(Files.readString(stack.resolve("prometheus/alerts.yml")));
    Set<String> alerts = new TreeSet<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        alerts.add((String) rule.get("alert"));
        assertTrue(rule.get("expr") instanceof String, "alert " + rule.get("alert") + " needs an expr");
      }
    }
    assertTrue(alerts.containsAll(Set.of("HighCpuUsage", "HighHeapUsage", "HighGcPauseTime", "HighRequestLatencyP95")), alerts.toString());
    Map<String, Object> prometheus = new Yaml().load(Files.readString(stack.resolve("prometheus/prometheus.yml")));
    assertEquals(List.of("/etc/prometheus/alerts.yml"), prometheus.get("rule_files"));
  }

  @SuppressWarnings("unchecked")
  private Set<String> datasourceUids() throws Exception {
    Map<String, Object> provisioning = new Yaml().load(Files.readString(stack.resolve("grafana/provisioning/datasources/datasources.yml")));
    Set<String> uids = new TreeSet<>();
    for (Map<String, Object> ds : (List<Map<String, Object>>) provisioning.get("datasources")) {
      uids.add((String) ds.get("uid"));
    }
    return uids;
  }
}
