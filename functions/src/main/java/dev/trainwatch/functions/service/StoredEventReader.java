package dev.trainwatch.functions.service;

import dev.trainwatch.functions.event.EventRenderer;
import dev.trainwatch.functions.event.OutboundEvent;
import dev.trainwatch.functions.event.StoredEventSource;
import dev.trainwatch.functions.repository.MetricRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Reads a job's stored events back and renders them exactly as they were first rendered. */
@ApplicationScoped
public class StoredEventReader implements StoredEventSource {

  private final MetricRepository metrics;

  public StoredEventReader(MetricRepository metrics) {
    this.metrics = metrics;
  }

  @Override
  public Uni<List<OutboundEvent>> between(long jobId, long afterSeq, long beforeSeq) {
    int most = (int) Math.min(Integer.MAX_VALUE, Math.max(0, beforeSeq - afterSeq - 1));
    return metrics
        .read(jobId, afterSeq, null, most)
        .map(
            points ->
                points.stream()
                    .filter(p -> p.seq() < beforeSeq)
                    .map(p -> new OutboundEvent(p.seq(), EventRenderer.metrics(jobId, p)))
                    .toList());
  }
}
