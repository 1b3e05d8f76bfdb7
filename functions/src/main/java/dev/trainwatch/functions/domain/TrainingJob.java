package dev.trainwatch.functions.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

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

  @Column(nullable = false)
  public String status;

  @Column(name = "created_at", nullable = false)
  public OffsetDateTime createdAt;

  @Column(name = "updated_at", nullable = false)
  public OffsetDateTime updatedAt;

  /**
   * The sequence number of the job's newest event; the ingest statement advances it, never
   * Hibernate.
   */
  @Column(name = "last_seq", nullable = false, insertable = false, updatable = false)
  public long lastSeq;
}
