package dev.trainwatch.functions.executor;

import dev.trainwatch.functions.domain.TrainingJob;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment every executor gives a trainer: where to report (TRAINWATCH_URL), as which job
 * (TRAINWATCH_JOB_ID, read by the SDK's TrainingLogger), and the submission's settings.
 */
final class TrainerEnvironment {

  private TrainerEnvironment() {}

  /** The variables for {@code job}, reporting to {@code ingestUrl}, in a stable order. */
  static Map<String, String> of(TrainingJob job, String ingestUrl) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("TRAINWATCH_URL", ingestUrl);
    env.put("TRAINWATCH_JOB_ID", Long.toString(job.id));
    env.put("TRAINWATCH_MODEL_NAME", job.modelName);
    env.put("TRAINWATCH_FRAMEWORK", job.framework);
    env.put("TRAINWATCH_DATASET_PATH", job.datasetPath);
    env.put("TRAINWATCH_NUM_EPOCHS", Integer.toString(job.numEpochs));
    env.put("TRAINWATCH_BATCH_SIZE", Integer.toString(job.batchSize));
    return env;
  }
}
