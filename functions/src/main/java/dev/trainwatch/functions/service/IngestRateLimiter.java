package dev.trainwatch.functions.service;

import dev.trainwatch.functions.config.TrainwatchConfig;
import dev.trainwatch.functions.domain.LruMaps;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * Limits how fast one job may report, in points (or log entries) per second, with a token bucket
 * per job that holds {@code burst} seconds' worth. It counts per functions instance: N instances
 * let a job through N times as fast. A batch larger than the bucket is let through when the bucket
 * is full, so no batch is refused forever.
 */
@ApplicationScoped
public class IngestRateLimiter {

  private static final int TRACKED_JOBS = 10_000;

  private final double perSecond;
  private final double capacity;
  private final Map<Long, double[]> buckets = LruMaps.create(TRACKED_JOBS);

  public IngestRateLimiter(TrainwatchConfig config) {
    this.perSecond = config.rate().itemsPerSecondPerJob();
    this.capacity = perSecond * config.rate().burstSeconds();
  }

  /**
   * Takes {@code items} from the job's bucket.
   *
   * @return 0 when allowed, else the whole seconds to wait before the batch would be
   */
  public synchronized long acquire(long jobId, int items, long nowNanos) {
    double[] bucket = buckets.computeIfAbsent(jobId, id -> new double[] {capacity, nowNanos});
    double elapsed = (nowNanos - bucket[1]) / 1e9;
    bucket[0] = Math.min(capacity, bucket[0] + elapsed * perSecond);
    bucket[1] = nowNanos;
    double needed = Math.min(items, capacity);
    if (bucket[0] >= needed) {
      bucket[0] -= items;
      return 0;
    }
    return (long) Math.ceil((needed - bucket[0]) / perSecond);
  }
}
