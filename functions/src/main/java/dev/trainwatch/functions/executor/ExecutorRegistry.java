package dev.trainwatch.functions.executor;

import dev.trainwatch.functions.domain.ExecutorType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.EnumMap;
import java.util.Map;

/** The executor for each executor type. */
@ApplicationScoped
public class ExecutorRegistry {

  private final Map<ExecutorType, JobExecutor> byType = new EnumMap<>(ExecutorType.class);

  public ExecutorRegistry(Instance<JobExecutor> executors) {
    executors.forEach(executor -> byType.put(executor.type(), executor));
  }

  /** The executor of {@code type}. */
  public JobExecutor of(ExecutorType type) {
    JobExecutor executor = byType.get(type);
    if (executor == null) {
      throw new IllegalStateException("no executor for " + type);
    }
    return executor;
  }
}
