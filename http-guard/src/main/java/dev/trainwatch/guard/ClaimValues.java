package dev.trainwatch.guard;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Collection;
import java.util.List;

/**
 * Reads a JWT claim as smallrye-jwt hands it over: a JSON value for custom claims, a plain Java
 * value for some standard ones. Both applications read their tokens' claims through it.
 */
public final class ClaimValues {

  private ClaimValues() {}

  /** A claim as text, as smallrye-jwt gives it (a JSON string, or a plain value). */
  public static String text(Object claim) {
    return claim instanceof JsonString text ? text.getString() : String.valueOf(claim);
  }

  /** A claim as a whole number, or null when it is none (1.9 is none, not 1). */
  public static Long number(Object claim) {
    if (claim instanceof JsonNumber number) {
      return number.isIntegral() ? number.longValue() : null;
    }
    return claim instanceof Long || claim instanceof Integer ? ((Number) claim).longValue() : null;
  }

  /** A claim as a list of strings (non-strings left out), or an empty list. */
  public static List<String> strings(Object claim) {
    if (claim instanceof JsonArray array) {
      return array.stream()
          .filter(value -> value.getValueType() == JsonValue.ValueType.STRING)
          .map(value -> ((JsonString) value).getString())
          .toList();
    }
    if (claim instanceof Collection<?> values) {
      return values.stream().map(String::valueOf).toList();
    }
    return List.of();
  }
}
