package com.example.bank.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.example.bank.common.BankService;
import com.example.bank.support.LoadPlan;
import com.example.bank.support.StackPaths;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadPlanTest {

  @Test
  void planCoversAllNineServicesOnTheirPorts() throws Exception {
    LoadPlan plan = LoadPlan.read(StackPaths.stackDir().resolve("load-plan.json"));
    List<String> names = plan.services().stream().map(LoadPlan.Service::name).toList();
    assertEquals(BankService.names(), names);
    for (LoadPlan.Service s : plan.services()) {
      BankService service = BankService.byName(s.name());
      assertEquals("http://127.0.0.1:" + service.defaultPort(), s.baseUrl(), s.name());
      assertEquals("/health", s.health(), s.name());
    }
  }

  @Test
  void bodiesGoWithAJsonContentType() throws Exception {
    LoadPlan plan = LoadPlan.read(StackPaths.stackDir().resolve("load-plan.json"));
    for (LoadPlan.Service s : plan.services()) {
      for (LoadPlan.Endpoint e : s.endpoints()) {
        if (e.body() != null) {
          assertEquals("application/json", e.headers().get("content-type"), s.name() + " " + e.name());
        }
      }
    }
  }

  @Test
  void rejectsMalformedPlans() {
    String ok = "{\"version\":1,\"services\":[{\"name\":\"s\",\"baseUrl\":\"http://127.0.0.1:1\",\"health\":\"/health\","
        + "\"endpoints\":[{\"name\":\"e\",\"method\":\"GET\",\"path\":\"/x\",\"weight\":1}]}]}";
    LoadPlan.parse(new JsonObject(ok));
    for (String bad : List.of(
        ok.replace("\"version\":1", "\"version\":2"),
        ok.replace("\"GET\"", "\"PATCH\""),
        ok.replace("\"weight\":1", "\"weight\":0"),
        ok.replace("\"weight\":1", "\"weight\":1.5"),
        ok.replace("\"/x\"", "\"x\""),
        ok.replace("\"weight\":1", "\"weight\":1,\"extra\":true"),
        ok.replace("\"weight\":1", "\"weight\":1,\"headers\":{\"a\":1}"),
        ok.replace("[{\"name\":\"e\",\"method\":\"GET\",\"path\":\"/x\",\"weight\":1}]", "[]"))) {
      assertThrows(IllegalArgumentException.class, () -> LoadPlan.parse(new JsonObject(bad)), bad);
    }
  }
}
