package dev.trainwatch.functions.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.trainwatch.functions.domain.MetricPoint;
import dev.trainwatch.functions.domain.SequencedPoint;
import dev.trainwatch.functions.repository.MetricRepository;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A job's metric history as CSV (RFC 4180, written by Jackson's CSV module): a header {@code
 * seq,epoch,step,timestamp} then one column per metric name, sorted; one row per point in seq
 * order, a metric the point lacks left empty, NaN and the infinities as {@code NaN}, {@code
 * Infinity} and {@code -Infinity}. The rows are read and written a page at a time, so a long
 * history is never held in memory. A metric name that a spreadsheet would take for a formula (one
 * that starts with {@code =}, {@code +}, {@code -}, {@code @}, a tab or a carriage return) is
 * written after a {@code '}, as OWASP's advice on CSV injection has it; the values are numbers and
 * are written as they are.
 */
@ApplicationScoped
public class MetricExportService {

  /** Points read and written at once, at most. */
  static final int PAGE = 1_000;

  /**
   * Cells (points times columns) read and written at once, at most: a job with many metric names is
   * read in smaller pages, so a page's memory stays bounded.
   */
  static final int MAX_CELLS_PER_PAGE = 200_000;

  private static final List<String> FIXED = List.of("seq", "epoch", "step", "timestamp");
  private static final CsvMapper CSV = new CsvMapper();

  private final MetricRepository metrics;

  public MetricExportService(MetricRepository metrics) {
    this.metrics = metrics;
  }

  /** Metric columns one export may have at most: its work grows with points times columns. */
  public static final int MAX_COLUMNS = 1_000;

  /**
   * The metric columns: {@code wanted} (sorted, without repeats) or, when it is empty, every metric
   * the job reported. May be more than {@link #MAX_COLUMNS}; the caller refuses that.
   */
  public Uni<List<String>> columns(long jobId, List<String> wanted) {
    return wanted.isEmpty()
        ? metrics.names(jobId)
        : Uni.createFrom().item(wanted.stream().distinct().sorted().toList());
  }

  /** The CSV text in chunks: the header, then one chunk per page of points. */
  public Multi<String> csv(long jobId, List<String> names) {
    // Rows are written by position: the schema only says how many columns there are (a metric may
    // well be named "step"), and the header is the first row.
    CsvSchema.Builder schema = CsvSchema.builder();
    for (int i = 0; i < FIXED.size() + names.size(); i++) {
      schema.addColumn("c" + i);
    }
    ObjectWriter rows = CSV.writerFor(Object[][].class).with(schema.build().withoutHeader());
    List<Object> columns = new ArrayList<>(FIXED);
    names.stream().map(MetricExportService::headerCell).forEach(columns::add);
    String header = write(rows, new Object[][] {columns.toArray()});
    int page = Math.max(1, Math.min(PAGE, MAX_CELLS_PER_PAGE / columns.size()));
    AtomicLong after = new AtomicLong(0);
    Multi<String> pages =
        Multi.createBy()
            .repeating()
            .uni(() -> metrics.read(jobId, after.get(), names, page))
            .whilst(points -> points.size() == page && advance(after, points))
            .filter(points -> !points.isEmpty())
            .map(
                points ->
                    write(rows, points.stream().map(p -> row(p, names)).toArray(Object[][]::new)));
    return Multi.createBy().concatenating().streams(Multi.createFrom().item(header), pages);
  }

  /** A metric name as a header cell: one a spreadsheet would run as a formula is made text. */
  private static String headerCell(String name) {
    return !name.isEmpty() && "=+-@\t\r".indexOf(name.charAt(0)) >= 0 ? "'" + name : name;
  }

  private static boolean advance(AtomicLong after, List<SequencedPoint> page) {
    after.set(page.get(page.size() - 1).seq());
    return true;
  }

  private static Object[] row(SequencedPoint sequenced, List<String> names) {
    MetricPoint point = sequenced.point();
    List<Object> row = new ArrayList<>(FIXED.size() + names.size());
    row.add(sequenced.seq());
    row.add(point.epoch());
    row.add(point.step() == null ? "" : point.step());
    row.add(point.timestamp().toString());
    for (String name : names) {
      Double value = point.metrics().get(name);
      row.add(value == null ? "" : value.toString());
    }
    return row.toArray();
  }

  private static String write(ObjectWriter writer, Object[][] rows) {
    try {
      return writer.writeValueAsString(rows);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("writing CSV to a string does not fail", e);
    }
  }
}
