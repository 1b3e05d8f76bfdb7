package dev.trainwatch.functions.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainwatch.functions.domain.LogEntry;
import dev.trainwatch.functions.domain.LogLevel;
import dev.trainwatch.functions.executor.LogLineParser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a logs request: one entry {@code {"message","level"?,"timestamp"?}} or a batch {@code
 * {"logs":[...]}}. An entry without a level gets one read from its text, and consecutive entries
 * without a level that form a Python traceback become one ERROR entry. Any bad entry refuses the
 * whole request, naming it.
 */
final class LogEntryParser {

  private static final Set<String> ENTRY_FIELDS = Set.of("message", "level", "timestamp");
  private static final Set<String> BATCH_FIELDS = Set.of("logs");
  private static final int MAX_ENTRIES = 10_000;
  private static final int MAX_MESSAGE = 65_536;

  private LogEntryParser() {}

  static List<LogEntry> parse(JsonNode body, Instant receivedAt) {
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

  private static List<LogEntry> read(List<JsonNode> nodes, Instant receivedAt, boolean batch) {
    LogLineParser lines = new LogLineParser();
    List<LogEntry> entries = new ArrayList<>(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      String where = batch ? "logs[" + i + "]" : "the entry";
      JsonNode node = nodes.get(i);
      JsonFields.requireObject(node, where, ENTRY_FIELDS);
      try {
        String message = JsonFields.requireText(node, "message", MAX_MESSAGE);
        Instant at = JsonFields.optionalInstant(node, "timestamp", receivedAt);
        String level = JsonFields.optionalText(node, "level", 16);
        if (level == null) {
          entries.addAll(lines.accept(at, message));
        } else {
          entries.addAll(lines.finish());
          entries.add(new LogEntry(at, level(level), message));
        }
      } catch (ApiException e) {
        throw ApiException.badRequest(where + ": " + e.getMessage());
      }
    }
    entries.addAll(lines.finish());
    return entries;
  }

  private static LogLevel level(String name) {
    String upper = name.toUpperCase(Locale.ROOT);
    if (upper.equals("WARN")) {
      return LogLevel.WARNING;
    }
    if (upper.equals("CRITICAL") || upper.equals("FATAL")) {
      return LogLevel.ERROR;
    }
    try {
      return LogLevel.valueOf(upper);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "'level' must be DEBUG, INFO, WARNING or ERROR, not '" + name + "'");
    }
  }
}
