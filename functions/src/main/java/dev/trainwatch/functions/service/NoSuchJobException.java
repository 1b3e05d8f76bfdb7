package dev.trainwatch.functions.service;

import io.smallrye.mutiny.Uni;

/** The job named in a request does not exist. */
public class NoSuchJobException extends RuntimeException {

  public NoSuchJobException(long jobId) {
    super("no training job with id " + jobId, null, false, false);
  }

  /** The job {@code found}, failing with this exception when the look-up found none. */
  static <T> Uni<T> unlessFound(Uni<T> found, long jobId) {
    return found.onItem().ifNull().failWith(() -> new NoSuchJobException(jobId));
  }
}
