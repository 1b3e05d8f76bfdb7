package dev.trainwatch.functions.rest;

import dev.trainwatch.functions.service.IngestRateLimiter;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The way in for a trainer's batch (metrics or logs): refused with 403 when the token may not
 * report for the job, and with 429 and Retry-After over the job's rate; otherwise stored once and
 * answered.
 */
@ApplicationScoped
public class IngestGate {

  private final IngestRateLimiter limiter;
  private final Access access;

  public IngestGate(IngestRateLimiter limiter, Access access) {
    this.limiter = limiter;
    this.access = access;
  }

  /**
   * Checks the token and the rate for {@code items} of job {@code jobId}, then runs {@code store}
   * (true when the batch was a repeat of its idempotency key) and answers.
   */
  Uni<Map<String, Object>> report(long jobId, int items, Supplier<Uni<Boolean>> store) {
    return access
        .requireIngest(jobId)
        .invoke(() -> admit(jobId, items))
        .flatMap(allowed -> store.get())
        .map(IngestAnswer::of);
  }

  private void admit(long jobId, int items) {
    long wait = limiter.acquire(jobId, items, System.nanoTime());
    if (wait > 0) {
      throw ApiException.tooManyRequests(wait);
    }
  }
}
