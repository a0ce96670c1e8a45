package com.example.bank.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/** A loopback stand-in for Pyroscope's /ingest: records every upload the agent makes and answers 200. */
final class IngestCapture implements AutoCloseable {

  record Upload(Map<String, String> query, String contentType, byte[] body) {}

  private final HttpServer server;
  private final List<Upload> uploads = new CopyOnWriteArrayList<>();

  IngestCapture() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/ingest", this::capture);
    server.setExecutor(Executors.newSingleThreadExecutor());
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  List<Upload> uploads() {
    return List.copyOf(uploads);
  }

  private void capture(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readAllBytes();
      uploads.add(new Upload(parseQuery(exchange.getRequestURI().getRawQuery()),
          exchange.getRequestHeaders().getFirst("Content-Type"), body));
    }
    exchange.sendResponseHeaders(200, -1);
    exchange.close();
  }

  private static Map<String, String> parseQuery(String raw) {
    Map<String, String> query = new LinkedHashMap<>();
    if (raw == null) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      query.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return query;
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
