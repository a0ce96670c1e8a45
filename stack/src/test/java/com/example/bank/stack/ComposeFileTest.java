package com.example.bank.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.bank.common.BankService;
import com.example.bank.support.ComposeInterpolation;
import com.example.bank.support.LoadPlan;
import com.example.bank.support.StackPaths;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.vertx.core.json.Json;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.json.JsonMapper;

/**
 * Offline checks of stack/docker-compose.yml (no Docker engine here): Compose interpolation, the
 * Compose specification's JSON schema, and the project's own rules for the stack.
 */
class ComposeFileTest {
  private static final String AGENT_OPTION = "-javaagent:/opt/agents/pyroscope.jar";
  private static Path stack;
  private static Schema composeSchema;
  private static Map<String, Object> compose;

  @BeforeAll
  static void load() throws Exception {
    stack = StackPaths.stackDir();
    // The schema is shared with the whole project: <repo root>/../shared/schemas/compose-spec.json.
    Path schemaFile = StackPaths.repoRoot().resolve("../shared/schemas/compose-spec.json").normalize();
    assertTrue(Files.isRegularFile(schemaFile), "Compose JSON schema not found at " + schemaFile);
    // Given a base location, so that the schema's relative $id ("compose_spec.json") resolves;
    // nothing is fetched, the schema node is the local file.
    composeSchema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
        .getSchema(SchemaLocation.of(schemaFile.toUri().toString()), JsonMapper.builder().build().readTree(Files.readString(schemaFile)));
    compose = composeWith(Map.of());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> composeWith(Map<String, String> env) throws Exception {
    Object raw = new Yaml().load(Files.readString(stack.resolve("docker-compose.yml")));
    return (Map<String, Object>) ComposeInterpolation.interpolate(raw, env);
  }

  @Test
  void validAgainstTheComposeSpecification() {
    List<Error> errors = composeSchema.validate(Json.encode(compose), InputFormat.JSON);
    assertTrue(errors.isEmpty(), "docker-compose.yml violates the Compose schema: " + errors);
  }

  @Test
  void schemaValidationIsNotVacuous() throws Exception {
    Map<String, Object> broken = composeWith(Map.of());
    service(broken, "pyroscope").put("healthcheck", Map.of("interval", 5, "tset", "typo"));
    service(broken, "grafana").put("no_such_key", true);
    assertFalse(composeSchema.validate(Json.encode(broken), InputFormat.JSON).isEmpty());
  }

  @Test
  void nineJvmServicesWithTheAgentAttachedThroughJavaToolOptions() {
    Map<String, Map<String, Object>> jvms = jvmServices();
    assertEquals(new TreeSet<>(BankService.names()), new TreeSet<>(jvms.keySet()));
    jvms.forEach((name, svc) -> {
      Map<String, Object> env = environment(svc);
      assertEquals(name, env.get("SERVICE_NAME"), name);
      assertEquals(name, env.get("PYROSCOPE_APPLICATION_NAME"), name);
      assertTrue(String.valueOf(env.get("JAVA_TOOL_OPTIONS")).contains(AGENT_OPTION), name + " JAVA_TOOL_OPTIONS");
      assertEquals("jfr", env.get("PYROSCOPE_FORMAT"), name);
      assertEquals("itimer", env.get("PYROSCOPE_PROFILER_EVENT"), name);
      assertEquals("64k", env.get("PYROSCOPE_PROFILER_ALLOC"), name);
      assertEquals("10ms", env.get("PYROSCOPE_PROFILER_LOCK"), name);
      assertEquals("10s", env.get("PYROSCOPE_UPLOAD_INTERVAL"), name);
      assertEquals("http://pyroscope:4040", env.get("PYROSCOPE_SERVER_ADDRESS"), name);
      assertEquals("false", env.get("OPTIMIZED"), name + " OPTIMIZED default");
    });
  }

  @Test
  void optimizedAndAgentSettingsComeFromTheEnvironment() throws Exception {
    Map<String, Object> overridden = composeWith(Map.of("OPTIMIZED", "true", "PYROSCOPE_UPLOAD_INTERVAL", "5s"));
    Map<String, Object> env = environment(service(overridden, "bank-payment-service"));
    assertEquals("true", env.get("OPTIMIZED"));
    assertEquals("5s", env.get("PYROSCOPE_UPLOAD_INTERVAL"));
    assertTrue(String.valueOf(env.get("PYROSCOPE_LABELS")).contains("optimized=true"));
  }

  @Test
  void everyServiceHasAHealthcheck() {
    services(compose).forEach((name, svc) -> {
      Object hc = svc.get("healthcheck");
      assertTrue(hc instanceof Map<?, ?> m && m.get("test") instanceof List<?> test && !test.isEmpty(),
          name + " needs a healthcheck with a test so that `docker compose up --wait` waits for it");
    });
  }

  @Test
  void everyImageIsPinned() throws Exception {
    services(compose).forEach((name, svc) -> assertPinned(String.valueOf(svc.get("image")), name));
    for (String line : Files.readAllLines(stack.resolve("Dockerfile"))) {
      if (line.startsWith("FROM ")) {
        assertPinned(line.split("\\s+")[1], "Dockerfile");
      }
    }
  }

  @Test
  void hostPortsFollowTheContract() {
    jvmServices().forEach((name, svc) ->
        assertEquals(List.of(BankService.byName(name).defaultPort() + ":8080"), svc.get("ports"), name));
    assertEquals(List.of("4040:4040"), service(compose, "pyroscope").get("ports"));
  }

  @Test
  void loadPlanServicesExistInComposeWithMatchingPorts() throws Exception {
    LoadPlan plan = LoadPlan.read(stack.resolve("load-plan.json"));
    Map<String, Map<String, Object>> services = services(compose);
    for (LoadPlan.Service s : plan.services()) {
      assertTrue(services.containsKey(s.name()), s.name() + " from load-plan.json is not in docker-compose.yml");
      int planPort = URI.create(s.baseUrl()).getPort();
      @SuppressWarnings("unchecked")
      List<String> ports = (List<String>) services.get(s.name()).get("ports");
      assertTrue(ports.stream().anyMatch(p -> p.startsWith(planPort + ":")), s.name() + " publishes " + ports + ", plan uses " + planPort);
    }
  }

  @Test
  void pyroscopeStartsWithFreshDataVisibleAndFastReadiness() {
    @SuppressWarnings("unchecked")
    List<String> command = (List<String>) service(compose, "pyroscope").get("command");
    assertTrue(command.contains("-enable-query-backend-from=2020-01-01T00:00:00Z"), command.toString());
    assertTrue(command.contains("-segment-writer.min-ready-duration=0s"), command.toString());
  }

  @Test
  void mountedConfigFilesExist() {
    services(compose).forEach((name, svc) -> {
      Object volumes = svc.get("volumes");
      if (volumes instanceof List<?> list) {
        for (Object v : list) {
          String source = String.valueOf(v).split(":")[0];
          if (source.startsWith("./")) {
            assertTrue(Files.exists(stack.resolve(source)), name + " mounts missing " + source);
          }
        }
      }
    });
  }

  @Test
  void interpolationFollowsCompose() {
    Map<String, String> env = Map.of("SET", "x", "EMPTY", "");
    assertEquals("x", ComposeInterpolation.interpolateString("${SET:-d}", env));
    assertEquals("d", ComposeInterpolation.interpolateString("${EMPTY:-d}", env));
    assertEquals("", ComposeInterpolation.interpolateString("${EMPTY-d}", env));
    assertEquals("d", ComposeInterpolation.interpolateString("${UNSET-d}", env));
    assertEquals("a$b x", ComposeInterpolation.interpolateString("a$$b $SET", env));
    assertThrows(IllegalArgumentException.class, () -> ComposeInterpolation.interpolateString("${UNSET:?needed}", env));
  }

  private static void assertPinned(String image, String where) {
    assertNotNull(image, where);
    String lastSegment = image.substring(image.lastIndexOf('/') + 1);
    assertTrue(lastSegment.contains(":"), where + ": image " + image + " has no tag");
    String tag = lastSegment.substring(lastSegment.indexOf(':') + 1);
    assertFalse(tag.isBlank() || tag.equals("latest"), where + ": image " + image + " is not pinned");
  }

  private static Map<String, Map<String, Object>> jvmServices() {
    return services(compose).entrySet().stream()
        .filter(e -> environment(e.getValue()).containsKey("SERVICE_NAME"))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> services(Map<String, Object> doc) {
    return (Map<String, Map<String, Object>>) doc.get("services");
  }

  private static Map<String, Object> service(Map<String, Object> doc, String name) {
    Map<String, Object> svc = services(doc).get(name);
    assertNotNull(svc, "service " + name);
    return svc;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> environment(Map<String, Object> svc) {
    Object env = svc.get("environment");
    return env instanceof Map<?, ?> ? (Map<String, Object>) env : Map.of();
  }
}
