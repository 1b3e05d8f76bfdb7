package dev.trainwatch.functions.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainwatch.functions.domain.StoredText;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads fields of a JSON request body and refuses wrong ones with a message that names the field.
 * Kept by hand rather than bound by reflection so that every message is precise and the native
 * image needs no reflection.
 */
final class JsonFields {

  private JsonFields() {}

  /** Refuses a body that is not an object, or that has a field outside {@code allowed}. */
  static void requireObject(JsonNode node, String where, Set<String> allowed) {
    if (node == null || !node.isObject()) {
      throw ApiException.badRequest(where + " must be a JSON object");
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw ApiException.badRequest(where + " has an unknown field '" + name + "'");
      }
    }
  }

  /** A required, non-blank string of at most {@code maxLength} characters. */
  static String requireText(JsonNode node, String field, int maxLength) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw ApiException.badRequest("'" + field + "' is required");
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      throw ApiException.badRequest("'" + field + "' must be a non-empty string");
    }
    if (value.asText().length() > maxLength) {
      throw ApiException.badRequest("'" + field + "' is longer than " + maxLength + " characters");
    }
    return StoredText.of(value.asText());
  }

  /**
   * A required string, which may be empty or blank (a log line that shows nothing, which the parser
   * turns into no entry, rather than a refusal that would cost its neighbours).
   */
  static String requireString(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw ApiException.badRequest("'" + field + "' is required");
    }
    if (!value.isTextual()) {
      throw ApiException.badRequest("'" + field + "' must be a string");
    }
    return StoredText.of(value.asText());
  }

  /** An optional non-blank string of at most {@code maxLength} characters; null when absent. */
  static String optionalText(JsonNode node, String field, int maxLength) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : requireText(node, field, maxLength);
  }

  /** An optional non-empty array of strings; null when absent. */
  static List<String> optionalStrings(JsonNode node, String field, int maxItems) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isArray() || value.isEmpty() || value.size() > maxItems) {
      throw ApiException.badRequest(
          "'" + field + "' must be an array of 1 to " + maxItems + " strings");
    }
    List<String> items = new ArrayList<>(value.size());
    for (JsonNode item : value) {
      if (!item.isTextual()) {
        throw ApiException.badRequest("'" + field + "' must hold strings only, not " + item);
      }
      items.add(StoredText.of(item.asText()));
    }
    return items;
  }

  /** A required integer of at least {@code min}. */
  static int requireInt(JsonNode node, String field, int min) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw ApiException.badRequest("'" + field + "' is required");
    }
    return (int) integer(value, field, min, Integer.MAX_VALUE);
  }

  /** An optional integer of at least {@code min}; null when absent or null. */
  static Long optionalLong(JsonNode node, String field, long min) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    return integer(value, field, min, Long.MAX_VALUE);
  }

  private static long integer(JsonNode value, String field, long min, long max) {
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw ApiException.badRequest("'" + field + "' must be an integer");
    }
    long number = value.asLong();
    if (number < min || number > max) {
      throw ApiException.badRequest("'" + field + "' must be between " + min + " and " + max);
    }
    return number;
  }

  /**
   * An optional timestamp (see TimestampParser): a string in a form Python, JavaScript or Go
   * prints, or a Unix time as a number; cut to microseconds, what PostgreSQL keeps, so a replayed
   * event says what the live one said. {@code absent} (also cut) when the field is absent or null.
   */
  static Instant optionalInstant(JsonNode node, String field, Instant absent) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return absent.truncatedTo(ChronoUnit.MICROS);
    }
    try {
      if (value.isNumber() && Double.isFinite(value.asDouble())) {
        return TimestampParser.parse(value.decimalValue());
      }
      if (value.isTextual()) {
        return TimestampParser.parse(value.asText());
      }
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("'" + field + "' " + e.getMessage());
    }
    throw ApiException.badRequest(
        "'" + field + "' must be a timestamp string or a Unix time, not " + value);
  }
}
