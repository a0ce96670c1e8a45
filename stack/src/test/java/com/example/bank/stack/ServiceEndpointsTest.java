package com.example.bank.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.bank.common.BankApplication;
import com.example.bank.common.BankService;
import com.example.bank.common.ServiceConfig;
import com.example.bank.support.LoadPlan;
import com.example.bank.support.StackPaths;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Starts all nine services in-process on ephemeral ports and sends every load-plan request to
 * them: each must answer 2xx, /health must be JSON, and /metrics must carry per-route latency
 * histograms and the JVM metrics exactly once.
 */
class ServiceEndpointsTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @ParameterizedTest(name = "OPTIMIZED={0}")
  @ValueSource(booleans = {false, true})
  void everyLoadPlanEndpointAnswers2xx(boolean optimized) throws Exception {
    LoadPlan plan = LoadPlan.read(StackPaths.stackDir().resolve("load-plan.json"));
    Map<BankService, BankApplication> apps = startAll(optimized);
    try {
      for (LoadPlan.Service service : plan.services()) {
        int port = apps.get(BankService.byName(service.name())).port();
        checkHealth(port, service.name(), optimized);
        for (LoadPlan.Endpoint endpoint : service.endpoints()) {
          // Twice: the second call exercises warm state (existing accounts, pooled verticles...).
          for (int i = 0; i < 2; i++) {
            HttpResponse<String> response = send(port, endpoint);
            assertEquals(2, response.statusCode() / 100,
                service.name() + " " + endpoint.name() + " -> " + response.statusCode() + " " + response.body());
          }
        }
        checkMetrics(port, service);
      }
    } finally {
      for (BankApplication app : apps.values()) {
        app.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }

  private static Map<BankService, BankApplication> startAll(boolean optimized) throws Exception {
    Map<BankService, BankApplication> apps = new EnumMap<>(BankService.class);
    Map<String, String> gatewayEnv = new HashMap<>();
    for (BankService service : BankService.values()) {
      if (service != BankService.API_GATEWAY) {
        BankApplication app = start(service, optimized, Map.of());
        apps.put(service, app);
        gatewayEnv.put(service.urlEnvVar(), "http://127.0.0.1:" + app.port());
      }
    }
    apps.put(BankService.API_GATEWAY, start(BankService.API_GATEWAY, optimized, gatewayEnv));
    return apps;
  }

  private static BankApplication start(BankService service, boolean optimized, Map<String, String> extra) throws Exception {
    Map<String, String> env = new HashMap<>(extra);
    env.put("SERVICE_NAME", service.serviceName());
    env.put("HTTP_PORT", "0");
    env.put("OPTIMIZED", Boolean.toString(optimized));
    return BankApplication.start(ServiceConfig.fromEnv(env)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static HttpResponse<String> send(int port, LoadPlan.Endpoint endpoint) throws Exception {
    HttpRequest.BodyPublisher body = endpoint.body() == null
        ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(Json.encode(endpoint.body()));
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + endpoint.path()))
        .timeout(Duration.ofSeconds(20))
        .method(endpoint.method(), body);
    endpoint.headers().forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void checkHealth(int port, String name, boolean optimized) throws Exception {
    HttpResponse<String> health = get(port, "/health");
    assertEquals(200, health.statusCode());
    JsonObject json = new JsonObject(health.body());
    assertEquals("UP", json.getString("status"));
    assertEquals(name, json.getString("service"));
    assertEquals(optimized, json.getBoolean("optimized"));
  }

  private static void checkMetrics(int port, LoadPlan.Service service) throws Exception {
    // The response-time timer is recorded as the response completes, which may be just after
    // the client has read it: retry briefly before asserting.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (true) {
      try {
        assertMetrics(get(port, "/metrics").body(), service);
        return;
      } catch (AssertionError e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  private static void assertMetrics(String metrics, LoadPlan.Service service) {
    for (String type : List.of("jvm_memory_used_bytes", "jvm_gc_live_data_size_bytes", "jvm_threads_live_threads", "process_cpu_usage")) {
      assertEquals(1, count(metrics, "# TYPE " + type + " "), service.name() + " must export " + type + " exactly once");
    }
    List<String> routes = new ArrayList<>();
    Matcher m = Pattern.compile("vertx_http_server_response_time_seconds_bucket\\{[^}]*route=\"([^\"]+)\"").matcher(metrics);
    while (m.find()) {
      routes.add(m.group(1));
    }
    assertTrue(routes.size() > 1, service.name() + ": no per-route latency histogram in /metrics: " + metrics.lines().filter(l -> l.contains("response_time")).limit(5).toList());
    for (LoadPlan.Endpoint endpoint : service.endpoints()) {
      String path = endpoint.path().split("\\?")[0];
      boolean matched = routes.stream().anyMatch(route -> path.matches(route.replaceAll(":[A-Za-z]+", "[^/]+")));
      assertTrue(matched, service.name() + ": no histogram for route of " + path + " in " + routes);
    }
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
