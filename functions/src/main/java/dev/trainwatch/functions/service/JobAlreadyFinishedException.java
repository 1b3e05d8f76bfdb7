package dev.trainwatch.functions.service;

import dev.trainwatch.functions.domain.JobRef;

/** A request needs an active job, and the job has already ended. */
public class JobAlreadyFinishedException extends RuntimeException {

  public JobAlreadyFinishedException(JobRef job) {
    super("job " + job.id() + " has already finished", null, false, false);
  }
}
