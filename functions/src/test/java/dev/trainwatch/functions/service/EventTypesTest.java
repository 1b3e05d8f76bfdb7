package dev.trainwatch.functions.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.trainwatch.functions.domain.Alert;
import dev.trainwatch.functions.domain.AlertRule;
import dev.trainwatch.functions.domain.JobStatus;
import dev.trainwatch.functions.domain.LogEntry;
import dev.trainwatch.functions.domain.LogLevel;
import dev.trainwatch.functions.domain.MetricPoint;
import dev.trainwatch.functions.domain.PodEvent;
import dev.trainwatch.functions.domain.StatusChange;
import dev.trainwatch.functions.domain.WireEnum;
import dev.trainwatch.functions.event.EventType;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Unit: every event type writes the protocol's golden examples (docs/examples/event-*.json) byte
 * for byte, the head first, as the relay reads it. The example's values are read back into domain
 * values, rendered, and compared with the file's text.
 */
class EventTypesTest {

  private static final Path EXAMPLES = Path.of("..", "docs", "examples");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant AT = Instant.parse("2026-11-28T10:00:00.250Z");

  private final MetricsEventType metrics = new MetricsEventType(null);
  private final LogEventType logs = new LogEventType(null);
  private final StatusChangeEventType changes = new StatusChangeEventType(null);
  private final JobDeletedEventType deletions = new JobDeletedEventType();
  private final PodEventType podEvents = new PodEventType(null);
  private final AlertEventType alerts = new AlertEventType(null);

  static Stream<Path> eventExamples() throws IOException {
    List<Path> found;
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      found = files.filter(f -> f.getFileName().toString().startsWith("event-")).sorted().toList();
    }
    assertThat(found).as("event examples in %s", EXAMPLES.toAbsolutePath()).hasSizeGreaterThan(3);
    return found.stream();
  }

  @ParameterizedTest
  @MethodSource("eventExamples")
  void rendersTheGoldenExampleByteForByte(Path example) throws IOException {
    String text = Files.readString(example, StandardCharsets.UTF_8);
    JsonNode event = JSON.readTree(text);

    assertThat(renderAgain(event) + "\n").isEqualTo(text);
  }

  /** Every EventType there is (found in the classes, not listed here) has a golden example. */
  @Test
  void everyTypeHasAGoldenExample() throws Exception {
    List<String> named =
        eventExamples().map(f -> f.getFileName().toString().split("[-.]")[1]).toList();
    JavaClasses classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.trainwatch.functions");
    List<String> types = new ArrayList<>();
    for (JavaClass type : classes) {
      if (type.isAssignableTo(EventType.class) && !type.isInterface()) {
        Constructor<?> constructor = type.reflect().getConstructors()[0];
        // Rendering needs no collaborator: every constructor argument may be null here.
        Object[] none = new Object[constructor.getParameterCount()];
        types.add(((EventType<?>) constructor.newInstance(none)).name());
      }
    }

    assertThat(types).hasSizeGreaterThan(3);
    assertThat(named).containsAll(types);
  }

  @Test
  void writesNonFiniteValuesAsStringsThatJavaScriptCanParse() {
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("loss", Double.NaN);
    values.put("up", Double.POSITIVE_INFINITY);
    values.put("down", Double.NEGATIVE_INFINITY);
    String json = metrics.render(1, 1, new MetricPoint(0, 42L, AT, values)).json();
    assertThat(json)
        .contains("\"step\":42")
        .contains("{\"loss\":\"NaN\",\"up\":\"Infinity\",\"down\":\"-Infinity\"}");
  }

  /** The example's values as domain values, rendered by their type. */
  private String renderAgain(JsonNode event) {
    long jobId = event.get("job_id").asLong();
    long seq = event.get("seq").asLong();
    String type = event.get("type").asText();
    return switch (type) {
      case "training_metrics" -> metrics.render(jobId, seq, point(event.get("metrics"))).json();
      case "training_log" -> {
        JsonNode log = event.get("log");
        LogEntry entry =
            new LogEntry(
                Instant.parse(log.get("timestamp").asText()),
                LogLevel.valueOf(log.get("level").asText()),
                log.get("message").asText());
        yield logs.render(jobId, seq, entry).json();
      }
      case "training_status_change" -> {
        StatusChange change =
            new StatusChange(
                seq,
                status(event.get("old_status")),
                status(event.get("new_status")),
                event.hasNonNull("reason") ? event.get("reason").asText() : null,
                event.hasNonNull("message") ? event.get("message").asText() : null,
                Instant.parse(event.get("timestamp").asText()));
        yield changes.render(jobId, seq, change).json();
      }
      case "training_pod_event" -> {
        JsonNode about = event.get("pod_event");
        PodEvent podEvent =
            new PodEvent(
                "uid",
                about.get("pod").asText(),
                about.get("event_type").asText(),
                about.get("reason").asText(),
                about.get("message").asText(),
                about.get("count").asInt(),
                Instant.parse(about.get("timestamp").asText()));
        yield podEvents.render(jobId, seq, podEvent).json();
      }
      case "training_alert" -> {
        JsonNode about = event.get("alert");
        Alert alert =
            new Alert(
                WireEnum.fromWireName(AlertRule.class, about.get("rule").asText()),
                "firing".equals(about.get("state").asText()),
                about.hasNonNull("metric") ? about.get("metric").asText() : null,
                about.hasNonNull("value") ? value(about.get("value")) : null,
                about.get("message").asText(),
                Instant.parse(about.get("timestamp").asText()));
        yield alerts.render(jobId, seq, alert).json();
      }
      case "training_job_deleted" ->
          deletions.render(jobId, seq, Instant.parse(event.get("timestamp").asText())).json();
      default -> throw new AssertionError("no event type renders " + type);
    };
  }

  /** A metric value as the wire has it: a number, or "NaN", "Infinity", "-Infinity". */
  private static double value(JsonNode value) {
    return value.isTextual() ? Double.valueOf(value.asText()) : value.asDouble();
  }

  private static MetricPoint point(JsonNode point) {
    Map<String, Double> values = new LinkedHashMap<>();
    point
        .get("metrics")
        .fields()
        .forEachRemaining(metric -> values.put(metric.getKey(), value(metric.getValue())));
    return new MetricPoint(
        point.get("epoch").asInt(),
        point.hasNonNull("step") ? point.get("step").asLong() : null,
        Instant.parse(point.get("timestamp").asText()),
        values);
  }

  private static JobStatus status(JsonNode wireName) {
    return Stream.of(JobStatus.values())
        .filter(s -> s.wireName().equals(wireName.asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no status " + wireName));
  }
}
