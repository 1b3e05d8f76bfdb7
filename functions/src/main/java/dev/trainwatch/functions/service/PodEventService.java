package dev.trainwatch.functions.service;

import dev.trainwatch.functions.domain.PodEvent;
import dev.trainwatch.functions.repository.PodEventRepository;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Stores the Kubernetes Events about a job's pods that it does not have yet and publishes each as a
 * {@code training_pod_event}. They come from the sweep (which asks the executor) and, in a Knative
 * deployment, from an ApiServerSource on Events; both may bring the same Event, and it is stored
 * and published once.
 */
@ApplicationScoped
public class PodEventService {

  private final PodEventRepository repository;
  private final PodEventType type;
  private final EventFeed feed;

  public PodEventService(PodEventRepository repository, PodEventType type, EventFeed feed) {
    this.repository = repository;
    this.type = type;
    this.feed = feed;
  }

  /** Stores and publishes the events of {@code jobId} not seen before; answers how many. */
  public Uni<Integer> record(long jobId, List<PodEvent> events) {
    return repository
        .insertNew(jobId, events)
        .flatMap(
            stored -> {
              if (stored.events().isEmpty()) {
                return Uni.createFrom().item(0);
              }
              Log.debugf("Job %d: %d new pod events", jobId, stored.events().size());
              return feed.publishBatch(jobId, stored.stored(), stored.events(), type)
                  .replaceWith(stored.events().size());
            });
  }
}
