package dev.trainwatch.functions.rest;

import dev.trainwatch.functions.service.IngestRateLimiter;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Refuses a trainer's batch over its job's rate with 429 and Retry-After, before anything is read
 * further.
 */
@ApplicationScoped
public class IngestGate {

  private final IngestRateLimiter limiter;

  public IngestGate(IngestRateLimiter limiter) {
    this.limiter = limiter;
  }

  void admit(long jobId, int items) {
    long wait = limiter.acquire(jobId, items, System.nanoTime());
    if (wait > 0) {
      throw ApiException.tooManyRequests(wait);
    }
  }
}
