package com.example.bank.gateway;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's calls to other services. Fan-out is the gateway's I/O wait: the request is only as
 * fast as its slowest downstream call (visible in wall-clock profiles and latency histograms).
 */
public final class DownstreamClient {
  private static final long TIMEOUT_MS = 5_000;
  private final WebClient client;

  public DownstreamClient(WebClient client) {
    this.client = client;
  }

  public Future<JsonObject> getJson(String url) {
    return client.getAbs(url).timeout(TIMEOUT_MS).send().map(DownstreamClient::jsonOrFail);
  }

  public Future<JsonObject> postJson(String url, JsonObject body) {
    return client.postAbs(url).timeout(TIMEOUT_MS).sendJsonObject(body).map(DownstreamClient::jsonOrFail);
  }

  /** Calls all URLs in parallel and returns their JSON bodies keyed like the input map. */
  public Future<JsonObject> fanOut(Map<String, String> urlsByName) {
    List<String> names = new ArrayList<>(urlsByName.keySet());
    List<Future<JsonObject>> calls = new ArrayList<>();
    for (String name : names) {
      calls.add(getJson(urlsByName.get(name)));
    }
    return Future.all(calls).map(all -> {
      Map<String, Object> merged = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        merged.put(names.get(i), all.<JsonObject>resultAt(i));
      }
      return new JsonObject(merged);
    });
  }

  private static JsonObject jsonOrFail(HttpResponse<Buffer> response) {
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException("downstream answered " + response.statusCode());
    }
    return response.bodyAsJsonObject();
  }
}
