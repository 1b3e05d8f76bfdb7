package dev.trainwatch.functions.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.functions.TestJobs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Integration: bodies mutated at random (malformed, oversized, wrong types, deep nesting) sent to
 * every endpoint that takes one. Each gets a clear 4xx with the JSON error shape, or is accepted;
 * none gets a 5xx. Reproducible from the seed in the failure message.
 */
@QuarkusTest
class FuzzIntegrationTest {

  private static final String[] VALID = {
    "{\"epoch\":1,\"step\":2,\"metrics\":{\"loss\":0.5},\"timestamp\":\"2026-11-28T10:00:00\"}",
    "{\"points\":[{\"epoch\":1,\"metrics\":{\"loss\":0.5,\"acc\":NaN}}]}",
    "{\"logs\":[{\"message\":\"Epoch 1\",\"level\":\"INFO\"}]}",
    "{\"model_name\":\"m\",\"framework\":\"f\",\"dataset_path\":\"d\",\"num_epochs\":1,\"batch_size\":1,"
        + "\"executor_type\":\"kubernetes\",\"resources\":{\"cpu\":\"1\"}}"
  };

  private static final String[] FRAGMENTS = {
    "null",
    "true",
    "-1",
    "0",
    "1e309",
    "-0",
    "\"\"",
    "\"x\"",
    "[]",
    "{}",
    "NaN",
    "\"NaN\"",
    "9223372036854775808",
    "1.5",
    "\"2026-13-45T99:00:00\"",
    "[[[[[[[[[[]]]]]]]]]]",
    "{\"a\":{\"b\":{}}}",
    "\"\\u0000\"",
    "\"\\ud800\""
  };

  @Test
  void noBodyGetsA5xx() {
    long job = TestJobs.submit(null);
    String[] paths = {
      TestJobs.JOBS + "/" + job + "/metrics", TestJobs.JOBS + "/" + job + "/logs", TestJobs.JOBS
    };
    Random seeds = new Random(20261128);
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      long seed = seeds.nextLong();
      Random random = new Random(seed);
      String body = mutate(VALID[random.nextInt(VALID.length)], random);
      String path = paths[random.nextInt(paths.length)];
      Response answer = given().contentType(ContentType.JSON).body(body).post(path).andReturn();
      int status = answer.statusCode();
      boolean jsonError =
          status < 400
              || answer.getContentType().startsWith("application/json")
                  && answer.asString().contains("\"error\"");
      if (status >= 500 || !jsonError) {
        failures.add("seed " + seed + " " + path + " " + status + " for " + abbreviate(body));
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void deepNestingAndHugeNumbersAreRefusedCleanly() {
    long job = TestJobs.submit(null);
    String deep = "[".repeat(5000) + "]".repeat(5000);
    given()
        .contentType(ContentType.JSON)
        .body("{\"epoch\":1,\"metrics\":{\"loss\":" + deep + "}}")
        .post(TestJobs.JOBS + "/" + job + "/metrics")
        .then()
        .statusCode(400);
    given()
        .contentType(ContentType.JSON)
        .body("{\"epoch\":1" + "0".repeat(2000) + ",\"metrics\":{\"loss\":1}}")
        .post(TestJobs.JOBS + "/" + job + "/metrics")
        .then()
        .statusCode(400);
  }

  /**
   * One to three random edits: replace a value, cut, duplicate, insert junk, or flip a character.
   */
  private static String mutate(String body, Random random) {
    String out = body;
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits && !out.isEmpty(); e++) {
      int at = random.nextInt(out.length());
      switch (random.nextInt(5)) {
        case 0 -> {
          int colon = out.indexOf(':', at);
          if (colon > 0) {
            int end = nextDelimiter(out, colon + 1);
            out =
                out.substring(0, colon + 1)
                    + FRAGMENTS[random.nextInt(FRAGMENTS.length)]
                    + out.substring(end);
          }
        }
        case 1 -> out = out.substring(0, at);
        case 2 -> out = out.substring(0, at) + out.substring(at / 2);
        case 3 ->
            out =
                out.substring(0, at)
                    + FRAGMENTS[random.nextInt(FRAGMENTS.length)]
                    + out.substring(at);
        default ->
            out =
                out.substring(0, at)
                    + (char) (random.nextInt(94) + 33)
                    + out.substring(Math.min(out.length(), at + 1));
      }
    }
    return out;
  }

  private static int nextDelimiter(String text, int from) {
    int depth = 0;
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '{' || c == '[') {
        depth++;
      } else if ((c == '}' || c == ']') && depth-- == 0) {
        return i;
      } else if (c == ',' && depth == 0) {
        return i;
      }
    }
    return text.length();
  }

  private static String abbreviate(String body) {
    return body.length() > 120 ? body.substring(0, 120) + "…" : body;
  }
}
