package com.example.bank.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real payment service JVM with the real Pyroscope agent attached via JAVA_TOOL_OPTIONS,
 * pointed at a loopback capture server instead of Pyroscope, and checks what the agent uploads:
 * format=jfr, the service name, and JFR recordings whose CPU samples name the hot method.
 */
class AgentProfilingIT {
  private static final String SERVICE = "bank-payment-service";
  private static final String SIGNER = "com.example.bank.payment.PaymentSigner.";
  private static final String GET_INSTANCE = "java.security.MessageDigest.getInstance";
  private static final String LEDGER_SYNC = "com.example.bank.payment.PaymentLedger.postSynchronized";
  private static final Duration LOAD = Duration.ofSeconds(8);
  private static final int CLIENTS = 8;

  @TempDir
  Path tmp;
  private Process service;

  @AfterEach
  void stopService() throws InterruptedException {
    if (service != null && service.isAlive()) {
      service.destroy();
      if (!service.waitFor(15, TimeUnit.SECONDS)) {
        service.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void naivePathShowsMessageDigestGetInstanceUnderTheSigner() throws Exception {
    Profile profile = profileUnderLoad(false);
    assertTrue(profile.stacksWith(SIGNER + "signPerCall", GET_INSTANCE) > 0,
        "no CPU sample with " + GET_INSTANCE + " under PaymentSigner.signPerCall; hot frames: " + profile.topSignerFrames());
    assertTrue(profile.allocationEvents > 0, "no jdk.ObjectAllocationInNewTLAB/OutsideTLAB events");
    assertTrue(profile.monitorEnterEvents > 0, "no jdk.JavaMonitorEnter events (PaymentLedger.postSynchronized)");
    assertTrue(profile.monitorStacksWith(LEDGER_SYNC) > 0, "lock events do not name PaymentLedger.postSynchronized");
  }

  @Test
  void optimizedPathNeverCallsGetInstanceUnderTheSigner() throws Exception {
    Profile profile = profileUnderLoad(true);
    assertTrue(profile.stacksWith(SIGNER + "signWithThreadLocalDigest") > 0,
        "the optimized signer should be on CPU; hot frames: " + profile.topSignerFrames());
    // Per-request signing (PaymentSigner.sign*) must never look up a digest. The one lookup of the
    // prototype at startup (PaymentSigner.<init>) is allowed: it is not on the request path.
    assertEquals(0, profile.stacksWith(SIGNER + "sign", GET_INSTANCE), "optimized signer must not call " + GET_INSTANCE + " per request");
    assertEquals(0, profile.stacksWith(SIGNER + "signPerCall"), "optimized mode must not run signPerCall");
    assertTrue(profile.allocationEvents > 0, "no allocation events");
  }

  private Profile profileUnderLoad(boolean optimized) throws Exception {
    Path jar = requiredFile("service.jar");
    Path agent = requiredFile("agent.jar");
    try (IngestCapture capture = new IngestCapture()) {
      int port = freePort();
      Path log = tmp.resolve("service.log");
      ProcessBuilder pb = new ProcessBuilder(javaBinary(), "-Xmx256m", "-jar", jar.toString())
          .redirectErrorStream(true).redirectOutput(log.toFile());
      Map<String, String> env = pb.environment();
      env.keySet().removeIf(k -> k.startsWith("PYROSCOPE_"));
      env.put("JAVA_TOOL_OPTIONS", "-javaagent:" + agent);
      env.put("SERVICE_NAME", SERVICE);
      env.put("HTTP_PORT", Integer.toString(port));
      env.put("OPTIMIZED", Boolean.toString(optimized));
      env.put("PYROSCOPE_APPLICATION_NAME", SERVICE);
      env.put("PYROSCOPE_SERVER_ADDRESS", capture.url());
      env.put("PYROSCOPE_UPLOAD_INTERVAL", "2s");
      env.put("PYROSCOPE_FORMAT", "jfr");
      env.put("PYROSCOPE_PROFILER_EVENT", "itimer");
      env.put("PYROSCOPE_PROFILER_ALLOC", "512k");
      env.put("PYROSCOPE_PROFILER_LOCK", "10ms");
      env.put("PYROSCOPE_LABELS", "optimized=" + optimized);
      env.put("PYROSCOPE_TMP_DIR", tmp.toString());
      service = pb.start();

      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      awaitHealthy(http, port, log);
      int requests = driveLoad(http, port);
      assertTrue(requests > 50, "too few successful requests: " + requests);
      // Let the agent cut and upload the windows that cover the load (interval 2s).
      awaitUploadsAfterLoad(capture, 3, log);

      Profile profile = new Profile();
      for (IngestCapture.Upload upload : capture.uploads()) {
        assertEquals("jfr", upload.query().get("format"), "upload format");
        assertTrue(upload.query().getOrDefault("name", "").startsWith(SERVICE),
            "upload name should carry the service name: " + upload.query().get("name"));
        Map<String, byte[]> parts = MultipartParts.parse(upload.contentType(), upload.body());
        assertTrue(parts.containsKey("jfr"), "multipart upload without a jfr part: " + parts.keySet());
        Path jfr = Files.write(tmp.resolve("upload-" + profile.uploads++ + ".jfr"), MultipartParts.gunzipIfCompressed(parts.get("jfr")));
        profile.add(jfr);
      }
      assertTrue(profile.executionSamples > 0, "no jdk.ExecutionSample in " + profile.uploads + " uploads");
      System.out.printf("OPTIMIZED=%s: %d requests, %d uploads, %d cpu samples (%d with getInstance under PaymentSigner.sign*),"
          + " %d allocation events, %d monitor-enter events%n", optimized, requests, profile.uploads,
          profile.executionSamples, profile.stacksWith(SIGNER + "sign", GET_INSTANCE), profile.allocationEvents, profile.monitorEnterEvents);
      return profile;
    }
  }

  /** What the captured JFR recordings contain. */
  private static final class Profile {
    int uploads;
    int executionSamples;
    int allocationEvents;
    int monitorEnterEvents;
    private final List<List<String>> cpuStacks = new ArrayList<>();
    private final List<List<String>> monitorStacks = new ArrayList<>();

    void add(Path jfr) throws IOException {
      for (RecordedEvent event : RecordingFile.readAllEvents(jfr)) {
        switch (event.getEventType().getName()) {
          case "jdk.ExecutionSample" -> {
            executionSamples++;
            cpuStacks.add(frames(event));
          }
          case "jdk.ObjectAllocationInNewTLAB", "jdk.ObjectAllocationOutsideTLAB" -> allocationEvents++;
          case "jdk.JavaMonitorEnter" -> {
            monitorEnterEvents++;
            monitorStacks.add(frames(event));
          }
          default -> { }
        }
      }
    }

    /** Number of CPU samples whose stack contains a frame starting with each prefix. */
    long stacksWith(String... framePrefixes) {
      return cpuStacks.stream().filter(stack -> containsAll(stack, framePrefixes)).count();
    }

    long monitorStacksWith(String... framePrefixes) {
      return monitorStacks.stream().filter(stack -> containsAll(stack, framePrefixes)).count();
    }

    String topSignerFrames() {
      return cpuStacks.stream().flatMap(List::stream).filter(f -> f.startsWith("com.example.bank")).distinct().limit(20).toList().toString();
    }

    private static boolean containsAll(List<String> stack, String... prefixes) {
      for (String prefix : prefixes) {
        if (stack.stream().noneMatch(frame -> frame.startsWith(prefix))) {
          return false;
        }
      }
      return true;
    }

    private static List<String> frames(RecordedEvent event) {
      List<String> frames = new ArrayList<>();
      if (event.getStackTrace() != null) {
        for (RecordedFrame frame : event.getStackTrace().getFrames()) {
          if (frame.getMethod() != null && frame.getMethod().getType() != null) {
            frames.add(frame.getMethod().getType().getName() + "." + frame.getMethod().getName());
          }
        }
      }
      return frames;
    }
  }

  private static int driveLoad(HttpClient http, int port) throws Exception {
    AtomicInteger ok = new AtomicInteger();
    long end = System.nanoTime() + LOAD.toNanos();
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    try {
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        clients.submit(() -> {
          int i = 0;
          while (System.nanoTime() < end) {
            HttpRequest request = (i++ % 4 == 3)
                ? HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/payments/fx?amount=2500&from=EUR&to=USD")).GET().build()
                : HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/payments/transfer"))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"from\":\"A" + client + "\",\"to\":\"B2\",\"amount\":\"12.50\"}"))
                    .build();
            try {
              if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                ok.incrementAndGet();
              }
            } catch (IOException | InterruptedException e) {
              return null;
            }
          }
          return null;
        });
      }
    } finally {
      clients.shutdown();
      clients.awaitTermination(LOAD.toSeconds() + 30, TimeUnit.SECONDS);
    }
    return ok.get();
  }

  private void awaitHealthy(HttpClient http, int port, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      assertTrue(service.isAlive(), "service exited during startup:\n" + tail(log));
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("service not healthy within 60s:\n" + tail(log));
  }

  private void awaitUploadsAfterLoad(IngestCapture capture, int extra, Path log) throws Exception {
    int target = capture.uploads().size() + extra;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (capture.uploads().size() < target) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("agent uploaded only " + capture.uploads().size() + " times:\n" + tail(log));
      }
      Thread.sleep(200);
    }
  }

  private static Path requiredFile(String property) {
    String value = System.getProperty(property);
    assertTrue(value != null, "system property " + property + " not set (run through mvn verify)");
    Path path = Paths.get(value);
    assertTrue(Files.isRegularFile(path), property + " missing: " + path + " (mvn package builds it)");
    return path;
  }

  private static String javaBinary() {
    return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
