package dev.trainwatch.functions.rest;

import dev.trainwatch.functions.domain.StoredText;
import java.util.regex.Pattern;

/** Reads path and query parameters, refusing a malformed one with a message that names it. */
final class Params {

  /** A project name: a DNS label, as Kubernetes names go. */
  private static final Pattern PROJECT = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private Params() {}

  /** A project name, or null when absent: 400 unless it is a DNS label. */
  static String optionalProject(String text) {
    if (text != null && !PROJECT.matcher(text).matches()) {
      throw ApiException.badRequest(
          "'project' must be lower-case letters, digits and '-', as a Kubernetes name");
    }
    return text;
  }

  /** A job id from the path: a positive integer. */
  // Digits as written, nothing around them: "066", "+66", " 66" and "66\0" name no id.
  private static final Pattern INTEGER = Pattern.compile("-?(?:0|[1-9][0-9]{0,18})");

  static long jobId(String text) {
    return positiveId(text, "job id");
  }

  /** An id from the path, named {@code name} in the refusal: a positive integer. */
  static long positiveId(String text, String name) {
    return optionalLong(text, name, 1, Long.MAX_VALUE, 0);
  }

  /** An integer parameter between min and max; {@code absent} when the parameter is not given. */
  static long optionalLong(String text, String name, long min, long max, long absent) {
    if (text == null) {
      return absent;
    }
    if (INTEGER.matcher(text).matches()) {
      try {
        long value = Long.parseLong(text);
        if (value >= min && value <= max) {
          return value;
        }
      } catch (NumberFormatException e) {
        // too large: refused below
      }
    }
    throw ApiException.badRequest(
        "'"
            + name
            + "' must be an integer from "
            + min
            + " to "
            + max
            + ", not '"
            + StoredText.of(text)
            + "'");
  }

  /** An Idempotency-Key header: absent, or 1 to 200 visible characters. */
  static String idempotencyKey(String header) {
    if (header == null) {
      return null;
    }
    if (header.isBlank()
        || header.length() > 200
        || !header.chars().allMatch(c -> c > 32 && c < 127)) {
      throw ApiException.badRequest("'Idempotency-Key' must be 1 to 200 visible ASCII characters");
    }
    return header;
  }
}
