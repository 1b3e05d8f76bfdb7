package dev.trainwatch.functions.repository;

/**
 * What storing a batch came to.
 *
 * @param stored the stored batch, or null when nothing was stored
 * @param jobExists whether the job exists; stored null with an existing job means the batch's
 *     idempotency key was used before, so it was stored then
 */
public record BatchResult(StoredBatch stored, boolean jobExists) {

  /** The batch was stored by an earlier request with the same idempotency key. */
  public boolean duplicate() {
    return stored == null && jobExists;
  }
}
