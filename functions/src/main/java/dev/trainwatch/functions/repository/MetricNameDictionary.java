package dev.trainwatch.functions.repository;

import dev.trainwatch.functions.config.TrainwatchConfig;
import dev.trainwatch.functions.domain.LruMaps;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Each job's metric names by id ({@code training_jobs.metric_names}, V13__metric_points.sql): a
 * stored point holds ids, not names. A name's id is its 1-based place in the job's list, which only
 * grows, so a list read once stays true for every id it holds: it is kept here and read or extended
 * again only when a batch brings a name it lacks or a stored point an id past its end. A batch of
 * known names then costs no round trip for them. A job has at most {@code max-metric-names-per-job}
 * names (TrainwatchConfig): a batch that would pass it is refused whole ({@link
 * TooManyMetricNamesException}) and stores nothing.
 */
@ApplicationScoped
public class MetricNameDictionary {

  /** Jobs whose names are kept in memory. */
  private static final int REMEMBERED = 10_000;

  /**
   * Adds the names of $2 the job lacks at its end, in their order, unless the job would then have
   * more than $3; answers the names it knew (null: no such job), how many of $2 were new, and the
   * names after adding them (null when none was added). The job row is locked first, so two
   * functions adding one name add it once; the new names are found with a hashed lookup of the
   * known ones, so the cost grows with the batch and the list once, not with their product, and a
   * batch of known names does not write the row.
   */
  private static final String EXTEND =
      """
      WITH j AS (SELECT metric_names FROM training_jobs WHERE id = $1 FOR UPDATE),
      fresh AS (
        SELECT u.n, u.o FROM unnest($2::text[]) WITH ORDINALITY AS u(n, o)
        WHERE u.n NOT IN (SELECT unnest(metric_names) FROM j)),
      added AS (
        UPDATE training_jobs SET metric_names = metric_names || ARRAY(SELECT n FROM fresh ORDER BY o)
        WHERE id = $1 AND EXISTS (SELECT 1 FROM fresh)
          AND (SELECT cardinality(metric_names) FROM j) + (SELECT count(*) FROM fresh) <= $3
        RETURNING metric_names)
      SELECT (SELECT metric_names FROM j) AS known, (SELECT count(*) FROM fresh) AS fresh,
             (SELECT metric_names FROM added) AS added
      """;

  private static final String READ = "SELECT metric_names FROM training_jobs WHERE id = $1";

  private final Pool pool;
  private final int maxNamesPerJob;
  private final Map<Long, Names> byJob = Collections.synchronizedMap(LruMaps.create(REMEMBERED));

  @Inject
  public MetricNameDictionary(Pool pool, TrainwatchConfig config) {
    this(pool, config.ingest().maxMetricNamesPerJob());
  }

  MetricNameDictionary(Pool pool, int maxNamesPerJob) {
    this.pool = pool;
    this.maxNamesPerJob = maxNamesPerJob;
  }

  /**
   * A job's names: {@code name(id)} for ids 1 to {@link #size()}, {@code id(name)} the reverse (0
   * for a name it lacks).
   */
  public static final class Names {
    private final String[] names;
    private final Map<String, Integer> ids;

    Names(String[] names) {
      this.names = names;
      this.ids = new HashMap<>(names.length * 2);
      for (int i = 0; i < names.length; i++) {
        ids.put(names[i], i + 1);
      }
    }

    public int size() {
      return names.length;
    }

    /** The name of {@code id} (1 to {@link #size()}). */
    public String name(int id) {
      return names[id - 1];
    }

    /** The id of {@code name}, or 0 when the job has none by that name. */
    public int id(String name) {
      return ids.getOrDefault(name, 0);
    }

    boolean covers(Collection<String> wanted) {
      return ids.keySet().containsAll(wanted);
    }
  }

  /**
   * The job's names, with every one of {@code batch} given an id (added when new); null when the
   * job does not exist.
   */
  public Uni<Names> covering(long jobId, Collection<String> batch) {
    Names known = byJob.get(jobId);
    if (known != null && known.covers(batch)) {
      return Uni.createFrom().item(known);
    }
    return pool.preparedQuery(EXTEND)
        .execute(Tuple.of(jobId, batch.toArray(String[]::new), maxNamesPerJob))
        .map(
            rows -> {
              Row row = rows.iterator().next();
              String[] stored = row.getArrayOfStrings("known");
              if (stored == null) {
                return null;
              }
              String[] added = row.getArrayOfStrings("added");
              long fresh = row.getLong("fresh");
              if (fresh > 0 && added == null) {
                throw new TooManyMetricNamesException(jobId, stored.length, fresh, maxNamesPerJob);
              }
              return remember(jobId, added != null ? added : stored);
            });
  }

  /**
   * The job's names as stored, read again unless those kept hold {@code names} (a name it lacks may
   * have been added since); null when the job does not exist.
   */
  public Uni<Names> knowing(long jobId, Collection<String> names) {
    return cached(jobId, known -> known.covers(names), READ, Tuple.of(jobId));
  }

  /** The job's names, at least up to id {@code atLeast}; null when the job does not exist. */
  public Uni<Names> upTo(long jobId, int atLeast) {
    return cached(jobId, known -> known.size() >= atLeast, READ, Tuple.of(jobId));
  }

  private Uni<Names> cached(long jobId, Predicate<Names> enough, String sql, Tuple args) {
    Names known = byJob.get(jobId);
    if (known != null && enough.test(known)) {
      return Uni.createFrom().item(known);
    }
    return pool.preparedQuery(sql)
        .execute(args)
        .map(
            rows -> {
              Iterator<Row> row = rows.iterator();
              return row.hasNext() ? remember(jobId, row.next().getArrayOfStrings(0)) : null;
            });
  }

  private Names remember(long jobId, String[] list) {
    return byJob.merge(jobId, new Names(list), (old, now) -> now.size() >= old.size() ? now : old);
  }

  /**
   * Orders two names by their code points, as a point's values are stored: the order of
   * PostgreSQL's "C" collation, in which V13 stored the values it moved.
   */
  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
