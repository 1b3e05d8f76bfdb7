package dev.trainwatch.relay.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Unit: the relay reads every Redis key and channel by the name docs/redis-names.json pins, which
 * is the name the functions write (their RedisNamesTest checks the same file).
 */
class RedisNamesTest {

  @Test
  void everyNameItReadsIsThePinnedOne() throws IOException {
    JsonObject golden = new JsonObject(Files.readString(Path.of("..", "docs", "redis-names.json")));
    JsonObject in = golden.getJsonObject("inputs");
    RedisNames names = new RedisNames(in.getString("prefix"));
    long job = in.getLong("job_id");

    Map<String, Object> built = new LinkedHashMap<>();
    built.put("job_channel", names.jobChannel(job));
    built.put(
        "session_channel", names.sessionChannel(in.getString("project"), in.getLong("session_id")));
    built.put("history", names.history(job));
    built.put("revoked", names.revoked());
    built.put("revocations", names.revocations());

    assertThat(golden.getJsonObject("names").getMap()).containsAllEntriesOf(built);
  }
}
