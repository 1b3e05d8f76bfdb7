package dev.trainwatch.functions.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainwatch.functions.TestJobs;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

/**
 * Integration: an overview read from block summaries and the values of the blocks a bucket's edge
 * cuts answers, bucket by bucket, what reading every value would (the real PostgreSQL).
 */
@QuarkusTest
class MetricOverviewExactnessIntegrationTest {

  /**
   * The overview reads blocks of 16 seqs as summaries and the values of the blocks a bucket's edge
   * cuts one by one; whatever the cut, each bucket answers what its values do. Batches of 1 to 200
   * points with log lines between them put blocks across batches and seqs with no point of the
   * metric; the expected buckets are computed here from the points as the history reads them.
   */
  @Test
  void everyBucketOfAnyRangeAnswersWhatItsValuesDo() throws Exception {
    long job = TestJobs.submitBody(TestJobs.body("alerts", Map.of("nan", false)));
    int[] sizes = {1, 3, 50, 1, 200, 17, 150, 1, 1, 129, 80, 2};
    int point = 0;
    for (int size : sizes) {
      StringJoiner batch = new StringJoiner(",", "{\"points\":[", "]}");
      for (int i = point; i < point + size; i++) {
        String loss =
            i % 211 == 5
                ? "\"NaN\""
                : i % 307 == 9
                    ? "\"Infinity\""
                    : i % 401 == 3
                        ? "\"-Infinity\""
                        : Double.toString(Math.sin(i * 0.37) * (i % 97 == 0 ? 50 : 1));
        String val = i % 13 == 0 ? ",\"val\":" + i : "";
        String at = Instant.parse("2026-11-30T10:00:00Z").plusSeconds(i + (i % 7) * 30L).toString();
        batch.add(
            "{\"epoch\":%d,\"step\":%d,\"metrics\":{\"loss\":%s%s},\"timestamp\":\"%s\"}"
                .formatted(i / 100, i, loss, val, at));
      }
      TestJobs.postMetrics(job, batch.toString()).statusCode(200);
      TestJobs.postLogs(job, "{\"message\":\"after point " + point + "\"}", null).statusCode(200);
      point += size;
    }
    // The history a page at a time: the Lambda build's test server stalls on large answers.
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> values = new ArrayList<>();
    for (long since = 0; ; ) {
      JsonNode page =
          mapper.readTree(
              given()
                  .get(TestJobs.JOBS + "/" + job + "/metrics?name=loss&limit=250&since=" + since)
                  .then()
                  .statusCode(200)
                  .extract()
                  .asString());
      page.get("points").forEach(values::add);
      if (page.get("points").size() < 250) {
        break;
      }
      since = page.get("next_since").asLong();
    }
    assertThat(values).hasSize(point);
    long first = values.get(0).get("seq").asLong();
    long last = values.get(values.size() - 1).get("seq").asLong();
    long[][] ranges = {
      {0, Long.MAX_VALUE, 1},
      {0, Long.MAX_VALUE, 7},
      {0, Long.MAX_VALUE, 100},
      {0, Long.MAX_VALUE, 1000},
      {0, Long.MAX_VALUE, 700},
      {first + 5, last - 3, 9},
      {first + 333, first + 600, 40},
      {first + 17, first + 49, 5000},
    };
    for (long[] range : ranges) {
      JsonNode answer =
          mapper.readTree(
              given()
                  .get(
                      TestJobs.JOBS
                          + "/"
                          + job
                          + "/metrics/overview?name=loss&since=%d&before=%d&buckets=%d"
                              .formatted(range[0], range[1], range[2]))
                  .then()
                  .statusCode(200)
                  .extract()
                  .asString());
      List<JsonNode> inRange =
          values.stream()
              .filter(v -> v.get("seq").asLong() > range[0] && v.get("seq").asLong() < range[1])
              .toList();
      assertThat(answer.get("buckets").toString())
          .as("overview of %s", List.of(range[0], range[1], range[2]))
          .isEqualTo(mapper.writeValueAsString(expectedBuckets(mapper, inRange, (int) range[2])));
    }
  }

  /**
   * The buckets of {@code values} (history points of "loss", in seq order), computed one by one.
   */
  private static List<Map<String, Object>> expectedBuckets(
      ObjectMapper mapper, List<JsonNode> values, int buckets) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (values.isEmpty()) {
      return out;
    }
    long lo = values.get(0).get("seq").asLong();
    long hi = values.get(values.size() - 1).get("seq").asLong();
    int from = 0;
    while (from < values.size()) {
      long bucket = (values.get(from).get("seq").asLong() - lo) * buckets / (hi + 1 - lo);
      int to = from;
      while (to < values.size()
          && (values.get(to).get("seq").asLong() - lo) * buckets / (hi + 1 - lo) == bucket) {
        to++;
      }
      List<JsonNode> group = values.subList(from, to);
      Double min = null;
      Double max = null;
      long nonFinite = 0;
      Instant earliest = null;
      for (JsonNode v : group) {
        double x = v.get("metrics").get("loss").asDouble();
        if (v.get("metrics").get("loss").isTextual()) {
          x = Double.parseDouble(v.get("metrics").get("loss").asText());
        }
        if (Double.isFinite(x)) {
          min = min == null ? x : Math.min(min, x);
          max = max == null ? x : Math.max(max, x);
        } else {
          nonFinite++;
        }
        Instant at = Instant.parse(v.get("timestamp").asText());
        earliest = earliest == null || at.isBefore(earliest) ? at : earliest;
      }
      JsonNode head = group.get(0);
      JsonNode tail = group.get(group.size() - 1);
      Map<String, Object> expected = new LinkedHashMap<>();
      expected.put("count", group.size());
      expected.put("first_seq", head.get("seq").asLong());
      expected.put("last_seq", tail.get("seq").asLong());
      expected.put("min", min);
      expected.put("max", max);
      expected.put("non_finite", nonFinite);
      expected.put("last", tail.get("metrics").get("loss"));
      expected.put("epoch", head.get("epoch").asInt());
      expected.put("step", head.get("step").asLong());
      expected.put("timestamp", earliest.toString());
      expected.put("last_epoch", tail.get("epoch").asInt());
      expected.put("last_step", tail.get("step").asLong());
      expected.put("last_timestamp", tail.get("timestamp").asText());
      out.add(expected);
      from = to;
    }
    return out;
  }
}
