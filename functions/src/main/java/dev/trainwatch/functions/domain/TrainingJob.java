package dev.trainwatch.functions.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * A submitted training job. Status and executor are stored by their wire names so that SQL written
 * by hand (the ingest statement, Grafana's PostgreSQL panels) reads them as they appear in JSON.
 */
@Entity
@Table(name = "training_jobs")
public class TrainingJob extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "model_name", nullable = false)
  public String modelName;

  @Column(nullable = false)
  public String framework;

  @Column(name = "dataset_path", nullable = false)
  public String datasetPath;

  @Column(name = "num_epochs", nullable = false)
  public int numEpochs;

  @Column(name = "batch_size", nullable = false)
  public int batchSize;

  @Column(name = "executor_type", nullable = false)
  public String executorType;

  @Column(name = "session_id")
  public Long sessionId;

  /** The project it belongs to; API tokens grant projects. */
  @Column(nullable = false)
  public String project;

  @Column(nullable = false)
  public String status;

  @Column(name = "created_at", nullable = false)
  public OffsetDateTime createdAt;

  @Column(name = "updated_at", nullable = false)
  public OffsetDateTime updatedAt;

  /** The container image (Kubernetes); null for the configured default. */
  public String image;

  /** The command to run; null for the executor's default (the bundled demo trainer). */
  @Convert(converter = StringListConverter.class)
  public List<String> command;

  /** Arguments after the command (Kubernetes: the container's args). */
  @Convert(converter = StringListConverter.class)
  public List<String> args;

  /** CPU request and limit, a Kubernetes quantity such as "2" or "500m"; null for none. */
  public String cpu;

  /** Memory request and limit, a Kubernetes quantity such as "8Gi"; null for none. */
  public String memory;

  /** GPUs, as an nvidia.com/gpu limit; null or 0 for none. */
  public Integer gpu;

  /** The job's rules on its live stream, as JSON ({@link AlertSettings#toJson}). */
  @Column(name = "alert_settings")
  public String alertSettings;

  /** The Kubernetes Job's name or the local process id, once started. Written by SQL only. */
  @Column(name = "execution_id", insertable = false, updatable = false)
  public String executionId;

  /** A {@link FailureReason} code when failed. Written by SQL only. */
  @Column(name = "failure_reason", insertable = false, updatable = false)
  public String failureReason;

  /** Why the job is in its status, for people. Written by SQL only. */
  @Column(name = "status_message", insertable = false, updatable = false)
  public String statusMessage;

  /** When it was first seen running. Written by SQL only. */
  @Column(name = "started_at", insertable = false, updatable = false)
  public OffsetDateTime startedAt;

  /** When it reached a final status. Written by SQL only. */
  @Column(name = "finished_at", insertable = false, updatable = false)
  public OffsetDateTime finishedAt;

  /**
   * The sequence number of the job's newest event; the ingest statement advances it, never
   * Hibernate.
   */
  @Column(name = "last_seq", nullable = false, insertable = false, updatable = false)
  public long lastSeq;
}
