package dev.trainwatch.functions.service;

/** The job named in a request does not exist. */
public class NoSuchJobException extends RuntimeException {

  public NoSuchJobException(long jobId) {
    super("no training job with id " + jobId, null, false, false);
  }
}
