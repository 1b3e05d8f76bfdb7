package dev.trainwatch.functions.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Unit: timestamps as Python, JavaScript and Go print them, and the ones refused. */
class TimestampParserTest {

  private static final Instant AT = Instant.parse("2026-11-30T10:00:00.123456Z");
  private static final Instant WHOLE = Instant.parse("2026-11-30T10:00:00Z");

  @Test
  void readsWhatPythonPrints() {
    assertThat(TimestampParser.parse("2026-11-30T10:00:00.123456")).isEqualTo(AT); // isoformat()
    assertThat(TimestampParser.parse("2026-11-30T10:00:00.123456+00:00")).isEqualTo(AT);
    assertThat(TimestampParser.parse("2026-11-30 10:00:00.123456")).isEqualTo(AT); // str()
    assertThat(TimestampParser.parse("2026-11-30 12:00:00.123456+02:00")).isEqualTo(AT);
    assertThat(TimestampParser.parse("2026-11-30 10:00:00,123")) // logging's asctime
        .isEqualTo(Instant.parse("2026-11-30T10:00:00.123Z"));
    assertThat(TimestampParser.parse("2026-11-30T11:00:00+0100")).isEqualTo(WHOLE); // %z
    assertThat(TimestampParser.parse(new BigDecimal("1796032800.123456"))) // time.time()
        .isEqualTo(AT);
    assertThat(TimestampParser.parse("1796032800.123456")).isEqualTo(AT); // str(time.time())
  }

  @Test
  void readsWhatJavaScriptPrints() {
    assertThat(TimestampParser.parse("2026-11-30T10:00:00.123Z"))
        .isEqualTo(Instant.parse("2026-11-30T10:00:00.123Z"));
    assertThat(TimestampParser.parse("Mon, 30 Nov 2026 10:00:00 GMT")).isEqualTo(WHOLE);
    assertThat(
            TimestampParser.parse(
                "Mon Nov 30 2026 11:00:00 GMT+0100 (Central European Standard Time)"))
        .isEqualTo(WHOLE);
    assertThat(TimestampParser.parse(new BigDecimal("1796032800123"))) // Date.now()
        .isEqualTo(Instant.parse("2026-11-30T10:00:00.123Z"));
  }

  @Test
  void readsWhatGoPrints() {
    assertThat(TimestampParser.parse("2026-11-30T10:00:00.123456789Z")).isEqualTo(AT);
    assertThat(TimestampParser.parse("2026-11-30 11:00:00 +0100 CET")).isEqualTo(WHOLE);
    assertThat(TimestampParser.parse("2026-11-30 10:00:00.123456789 +0000 UTC m=+0.000123456"))
        .isEqualTo(AT);
    assertThat(TimestampParser.parse(new BigDecimal("1796032800123456789"))) // UnixNano()
        .isEqualTo(AT);
  }

  @Test
  void readsTheNamedFormsOfGoCAndJava() {
    assertThat(TimestampParser.parse("Mon, 30 Nov 2026 10:00:00 UTC")).isEqualTo(WHOLE);
    assertThat(TimestampParser.parse("Mon Nov 30 10:00:00 UTC 2026")).isEqualTo(WHOLE);
    assertThat(TimestampParser.parse("Mon Nov 30 10:00:00 2026")).isEqualTo(WHOLE); // ctime()
    assertThat(TimestampParser.parse("Tue Dec  1 10:00:00 2026"))
        .isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
    assertThat(TimestampParser.parse("Mon Nov 30 2026 10:00:00 GMT")).isEqualTo(WHOLE);
    assertThat(TimestampParser.parse("2026-11-30T10:00:00.123456Z[UTC]")).isEqualTo(AT);
    assertThat(TimestampParser.parse("2026-11-30T11:00:00+01:00[Europe/Paris]")).isEqualTo(WHOLE);
  }

  @Test
  void readsGoZonesWithoutLetterNamesGoLogsDatesAndAnOffsetFollowedByZ() {
    assertThat(TimestampParser.parse("2026-11-30 07:00:00 -0300 -03 m=+0.1")).isEqualTo(WHOLE);
    assertThat(TimestampParser.parse("2026-11-30 11:00:00 +0100 +0100")).isEqualTo(WHOLE);
    assertThat(TimestampParser.parse("2026/11/30 10:00:00")).isEqualTo(WHOLE);
    assertThat(TimestampParser.parse("2026-11-30T10:00:00+00:00Z")).isEqualTo(WHOLE);
  }

  @Test
  void refusesATwoDigitYear() {
    for (String text : new String[] {"30 Nov 26 10:00 UTC", "Mon, 30 Nov 26 10:00:00 GMT"}) {
      assertThatThrownBy(() -> TimestampParser.parse(text))
          .hasMessageContaining("\"" + text + "\"");
    }
  }

  @Test
  void refusesAZoneNameWithoutAnOffset() {
    for (String text :
        new String[] {
          "2026-11-30T10:00:00 PST", "2026-11-30 10:00:00 CET", "2026-11-30T10:00:00[Europe/Paris]"
        }) {
      assertThatThrownBy(() -> TimestampParser.parse(text))
          .hasMessageContaining("without an offset")
          .hasMessageContaining("\"" + text + "\"");
    }
  }

  @Test
  void quotesALoneSurrogateAsTheReplacementCharacter() {
    assertThatThrownBy(() -> TimestampParser.parse("\ud800")).hasMessageContaining("\"\uFFFD\"");
  }

  @Test
  void refusesWhatNamesNoInstantQuotingIt() {
    for (String text :
        new String[] {
          "yesterday", "2026-11-30", "2026-13-01T00:00:00Z", "10:00:00", "", "1e9", "1.2.3"
        }) {
      assertThatThrownBy(() -> TimestampParser.parse(text))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("\"" + text + "\"");
    }
  }

  @Test
  void refusesInstantsOutsideTheYearsOneTo9999() {
    assertThat(TimestampParser.parse("0001-01-01T00:00:00Z"))
        .isEqualTo(Instant.parse("0001-01-01T00:00:00Z"));
    assertThat(TimestampParser.parse("9999-12-31T23:59:59.999999Z"))
        .isEqualTo(Instant.parse("9999-12-31T23:59:59.999999Z"));
    assertThatThrownBy(() -> TimestampParser.parse("0000-12-31T23:59:59Z"))
        .hasMessageContaining("outside the years 1 to 9999");
    assertThatThrownBy(() -> TimestampParser.parse("0001-01-01T00:30:00+01:00"))
        .hasMessageContaining("outside the years 1 to 9999");
    assertThatThrownBy(() -> TimestampParser.parse(new BigDecimal("1e30")))
        .hasMessageContaining("outside the years 1 to 9999");
  }
}
