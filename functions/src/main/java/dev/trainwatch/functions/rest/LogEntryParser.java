package dev.trainwatch.functions.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainwatch.functions.domain.LogLevel;
import dev.trainwatch.functions.domain.LogLine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a logs request: one entry {@code {"message","level"?,"timestamp"?}} or a batch {@code
 * {"logs":[...]}}, into lines for LogIngestService, which reads levels and tracebacks. Any bad
 * entry refuses the whole request, naming it. A message has no length limit of its own (the body's
 * applies); a long one is stored in parts (LogText).
 */
final class LogEntryParser {

  private static final Set<String> ENTRY_FIELDS = Set.of("message", "level", "timestamp");
  private static final Set<String> BATCH_FIELDS = Set.of("logs");
  private static final int MAX_ENTRIES = 10_000;

  private LogEntryParser() {}

  static List<LogLine> parse(JsonNode body, Instant receivedAt) {
    if (body != null && body.isObject() && body.has("logs")) {
      JsonFields.requireObject(body, "the batch", BATCH_FIELDS);
      JsonNode logs = body.get("logs");
      if (!logs.isArray() || logs.isEmpty() || logs.size() > MAX_ENTRIES) {
        throw ApiException.badRequest(
            "'logs' must be an array of 1 to " + MAX_ENTRIES + " entries");
      }
      List<JsonNode> entries = new ArrayList<>(logs.size());
      logs.forEach(entries::add);
      return read(entries, receivedAt, true);
    }
    return read(List.of(body), receivedAt, false);
  }

  private static List<LogLine> read(List<JsonNode> nodes, Instant receivedAt, boolean batch) {
    List<LogLine> lines = new ArrayList<>(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      String where = batch ? "logs[" + i + "]" : "the entry";
      JsonNode node = nodes.get(i);
      JsonFields.requireObject(node, where, ENTRY_FIELDS);
      try {
        String message = JsonFields.requireString(node, "message");
        Instant at = JsonFields.optionalInstant(node, "timestamp", receivedAt);
        String level = JsonFields.optionalText(node, "level", 16);
        lines.add(new LogLine(at, level == null ? null : level(level), message));
      } catch (ApiException e) {
        throw ApiException.badRequest(where + ": " + e.getMessage());
      }
    }
    return lines;
  }

  private static LogLevel level(String name) {
    LogLevel level = LogLevel.named(name);
    if (level == null) {
      throw ApiException.badRequest(
          "'level' must be DEBUG, INFO, WARNING or ERROR (or TRACE, NOTICE, SUCCESS, WARN, CRITICAL,"
              + " FATAL), not '"
              + name
              + "'");
    }
    return level;
  }
}
