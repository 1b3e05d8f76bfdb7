package dev.trainwatch.functions.domain;

/** Where a job runs: each type has its JobExecutor. */
public enum ExecutorType implements WireEnum {
  /** A batch/v1 Job in the cluster. */
  KUBERNETES,
  /** A child process of the functions host, for clusterless use. */
  LOCAL
}
