package dev.trainwatch.functions.rest;

import dev.trainwatch.functions.domain.StoredText;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the timestamps trainers send: every form that names one instant and that Python, JavaScript
 * or Go commonly print (docs/protocol.md, "Timestamps"). Refuses anything else, and instants
 * outside the years 1 to 9999 (UTC), with a message that quotes the value. Kept to the microsecond,
 * as PostgreSQL keeps it.
 */
final class TimestampParser {

  // ISO 8601 / RFC 3339 and their relatives (also with Go's log package's "2026/11/30"): 'T', 't'
  // or a space between date and time; seconds and
  // a fraction (after '.' or ',', as logging's asctime) optional; an offset as Z, +hh:mm, +hhmm or
  // +hh, or UTC/GMT, or none (UTC). After an offset, what adds nothing to the instant: a zone name
  // and a monotonic clock reading (Go's Time.String()), or a region in brackets (Java's
  // ZonedDateTime). A zone name with no offset ("10:00 PST") is refused: names are ambiguous (CST
  // is three zones) and reading one as UTC would store a wrong instant.
  private static final Pattern ISO =
      Pattern.compile(
          "(?<date>[0-9]{4}[-/][0-9]{2}[-/][0-9]{2})[Tt ](?<hour>[0-9]{2}):(?<minute>[0-9]{2})"
              + "(?::(?<second>[0-9]{2})(?:[.,](?<fraction>[0-9]{1,9}))?)?"
              + " ?(?:(?<zulu>[Zz]|UTC|GMT)|(?<sign>[+-])(?<oh>[0-9]{2})(?::?(?<om>[0-9]{2}))?Z?)?"
              + "(?<name> (?:[A-Z][A-Za-z]{1,5}|[+-][0-9]{2}(?:[0-9]{2})?))?(?<region>\\[[A-Za-z0-9/_+-]+\\])?"
              + "(?: m=[+-][0-9]+\\.[0-9]+)?");

  // Forms with month and day names, in English, each with its offset or in UTC:
  // JavaScript's Date.prototype.toString() ("Mon Nov 30 2026 10:00:00 GMT+0100 (Central European
  // Standard Time)": the name in brackets is for people), RFC 1123 (JavaScript's toUTCString(),
  // HTTP dates; Go's time.RFC1123 writes UTC for GMT), Go's time.UnixDate and date(1) ("Mon Nov 30
  // 10:00:00 UTC 2026"), and C's and Python's ctime() ("Mon Nov 30 10:00:00 2026", no zone, so
  // UTC as ISO without an offset is).
  private static final List<DateTimeFormatter> NAMED =
      List.of(
          DateTimeFormatter.RFC_1123_DATE_TIME,
          english("EEE MMM dd uuuu HH:mm:ss 'GMT'xx"),
          english("EEE MMM dd uuuu HH:mm:ss 'GMT'").withZone(ZoneOffset.UTC),
          english("EEE MMM ppd HH:mm:ss 'UTC' uuuu").withZone(ZoneOffset.UTC),
          english("EEE MMM ppd HH:mm:ss 'GMT' uuuu").withZone(ZoneOffset.UTC),
          english("EEE MMM ppd HH:mm:ss uuuu").withZone(ZoneOffset.UTC));
  private static final Pattern JAVASCRIPT_ZONE_NAME = Pattern.compile(" \\([^()]*\\)$");

  // Numbers: Unix time in seconds (Python's time.time()), milliseconds (JavaScript's Date.now()),
  // microseconds or nanoseconds (Go's UnixNano()), told apart by size: below 1e11 is seconds (to
  // the year 5138), below 1e14 milliseconds, below 1e17 microseconds, else nanoseconds.
  private static final BigDecimal[] UNIT_BOUNDS = {
    new BigDecimal("1e11"), new BigDecimal("1e14"), new BigDecimal("1e17")
  };
  private static final int[] UNIT_SCALES = {0, 3, 6, 9};

  private static final Pattern FOUR_DIGIT_YEAR = Pattern.compile("(?<![0-9:])[0-9]{4}(?![0-9:])");

  private static final Pattern UNIX_TIME = Pattern.compile("-?[0-9]{1,20}(?:\\.[0-9]{1,9})?");

  private static final Instant FIRST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant AFTER_LAST = Instant.parse("+10000-01-01T00:00:00Z");

  private TimestampParser() {}

  /**
   * The instant {@code text} names.
   *
   * @throws IllegalArgumentException naming what is wrong, when it names none or one outside years
   *     1 to 9999
   */
  static Instant parse(String text) {
    return inRange(read(text.strip()), text);
  }

  /**
   * The instant a Unix time names, in seconds, milliseconds, microseconds or nanoseconds by its
   * size.
   *
   * @throws IllegalArgumentException when it is outside years 1 to 9999
   */
  static Instant parse(BigDecimal unixTime) {
    BigDecimal size = unixTime.abs();
    int unit = 0;
    while (unit < UNIT_BOUNDS.length && size.compareTo(UNIT_BOUNDS[unit]) >= 0) {
      unit++;
    }
    BigDecimal seconds = unixTime.movePointLeft(UNIT_SCALES[unit]);
    if (seconds.abs().compareTo(new BigDecimal("1e12")) > 0) {
      throw new IllegalArgumentException("is outside the years 1 to 9999: " + unixTime);
    }
    BigDecimal whole = seconds.setScale(0, RoundingMode.FLOOR);
    long nanos = seconds.subtract(whole).movePointRight(9).longValue();
    return inRange(Instant.ofEpochSecond(whole.longValueExact(), nanos), unixTime.toPlainString());
  }

  private static Instant read(String text) {
    if (UNIX_TIME.matcher(text).matches()) {
      return parse(new BigDecimal(text)); // Unix time sent as a string: str(time.time())
    }
    Matcher iso = ISO.matcher(text);
    if (iso.matches()) {
      boolean offset = iso.group("sign") != null || iso.group("zulu") != null;
      if (!offset && (iso.group("name") != null || iso.group("region") != null)) {
        throw new IllegalArgumentException(
            "names its time zone without an offset, which is ambiguous: "
                + quoted(text)
                + "; send an offset such as +01:00, or UTC");
      }
      try {
        return iso(iso);
      } catch (DateTimeException e) {
        throw new IllegalArgumentException("is not a date and time: " + quoted(text));
      }
    }
    String named =
        JAVASCRIPT_ZONE_NAME.matcher(text).replaceFirst("").replaceFirst(" UTC$", " GMT");
    for (DateTimeFormatter form : NAMED) {
      Instant instant;
      try {
        instant = form.parse(named, Instant::from);
      } catch (DateTimeException notThisForm) {
        continue;
      }
      if (!FOUR_DIGIT_YEAR.matcher(named).find()) {
        // RFC 822's and RFC 1123's two-digit years ("30 Nov 26") would be read as the year 26.
        throw new IllegalArgumentException(
            "has no four-digit year: " + quoted(text) + "; send ISO 8601 or Unix time");
      }
      return instant;
    }
    throw new IllegalArgumentException(
        "is not a timestamp: "
            + quoted(text)
            + "; send ISO 8601 such as \"2026-11-30T10:00:00.123Z\", or Unix time as a number");
  }

  private static DateTimeFormatter english(String pattern) {
    return new DateTimeFormatterBuilder().appendPattern(pattern).toFormatter(Locale.ENGLISH);
  }

  private static Instant iso(Matcher iso) {
    String second = iso.group("second");
    String fraction = iso.group("fraction");
    LocalTime time =
        LocalTime.of(
            Integer.parseInt(iso.group("hour")),
            Integer.parseInt(iso.group("minute")),
            second == null ? 0 : Integer.parseInt(second),
            fraction == null ? 0 : Integer.parseInt((fraction + "00000000").substring(0, 9)));
    ZoneOffset offset =
        iso.group("sign") == null
            ? ZoneOffset.UTC
            : ZoneOffset.ofHoursMinutes(
                Integer.parseInt(iso.group("sign") + iso.group("oh")),
                Integer.parseInt(
                    iso.group("sign") + (iso.group("om") == null ? "0" : iso.group("om"))));
    return OffsetDateTime.of(LocalDate.parse(iso.group("date").replace('/', '-')), time, offset)
        .toInstant();
  }

  private static Instant inRange(Instant instant, String text) {
    if (instant.isBefore(FIRST) || !instant.isBefore(AFTER_LAST)) {
      throw new IllegalArgumentException("is outside the years 1 to 9999: " + quoted(text));
    }
    return instant.truncatedTo(ChronoUnit.MICROS);
  }

  private static String quoted(String text) {
    String shown = StoredText.of(text.length() > 64 ? text.substring(0, 64) + "..." : text);
    return "\"" + shown.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
