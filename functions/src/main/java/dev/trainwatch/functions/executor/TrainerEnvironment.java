package dev.trainwatch.functions.executor;

import dev.trainwatch.functions.auth.TokenIssuer;
import dev.trainwatch.functions.domain.TrainingJob;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment every executor gives a trainer: where to report (TRAINWATCH_URL), as which job
 * (TRAINWATCH_JOB_ID, read by the SDK's TrainingLogger) with which token (TRAINWATCH_TOKEN: this
 * job's ingest token, which can report for this job and do nothing else), and the submission's
 * settings.
 */
@ApplicationScoped
public class TrainerEnvironment {

  /** The variable that holds the job's ingest token. */
  public static final String TOKEN = "TRAINWATCH_TOKEN";

  private final TokenIssuer tokens;

  public TrainerEnvironment(TokenIssuer tokens) {
    this.tokens = tokens;
  }

  /** The variables for {@code job}, reporting to {@code ingestUrl}, in a stable order. */
  Map<String, String> of(TrainingJob job, String ingestUrl) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("TRAINWATCH_URL", ingestUrl);
    env.put("TRAINWATCH_JOB_ID", Long.toString(job.id));
    env.put(TOKEN, tokens.ingestToken(job.id));
    env.put("TRAINWATCH_MODEL_NAME", job.modelName);
    env.put("TRAINWATCH_FRAMEWORK", job.framework);
    env.put("TRAINWATCH_DATASET_PATH", job.datasetPath);
    env.put("TRAINWATCH_NUM_EPOCHS", Integer.toString(job.numEpochs));
    env.put("TRAINWATCH_BATCH_SIZE", Integer.toString(job.batchSize));
    return env;
  }
}
