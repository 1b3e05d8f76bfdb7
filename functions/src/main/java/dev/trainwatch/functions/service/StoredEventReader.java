package dev.trainwatch.functions.service;

import dev.trainwatch.functions.event.EventRenderer;
import dev.trainwatch.functions.event.OutboundEvent;
import dev.trainwatch.functions.event.StoredEventSource;
import dev.trainwatch.functions.repository.JobStateRepository;
import dev.trainwatch.functions.repository.LogRepository;
import dev.trainwatch.functions.repository.MetricRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads a job's stored events of every kind back, merged in seq order, and renders them exactly as
 * they were first rendered.
 */
@ApplicationScoped
public class StoredEventReader implements StoredEventSource {

  private final MetricRepository metrics;
  private final LogRepository logs;
  private final JobStateRepository states;

  public StoredEventReader(
      MetricRepository metrics, LogRepository logs, JobStateRepository states) {
    this.metrics = metrics;
    this.logs = logs;
    this.states = states;
  }

  @Override
  public Uni<List<OutboundEvent>> between(long jobId, long afterSeq, long beforeSeq) {
    int most = (int) Math.min(Integer.MAX_VALUE, Math.max(0, beforeSeq - afterSeq - 1));
    Uni<List<OutboundEvent>> points =
        metrics
            .read(jobId, afterSeq, null, most)
            .map(
                list ->
                    list.stream()
                        .filter(p -> p.seq() < beforeSeq)
                        .map(p -> new OutboundEvent(p.seq(), EventRenderer.metrics(jobId, p)))
                        .toList());
    Uni<List<OutboundEvent>> lines =
        logs.between(jobId, afterSeq, beforeSeq, most)
            .map(
                list ->
                    list.stream()
                        .map(l -> new OutboundEvent(l.seq(), EventRenderer.log(jobId, l)))
                        .toList());
    Uni<List<OutboundEvent>> changes =
        states
            .changesBetween(jobId, afterSeq, beforeSeq)
            .map(
                list ->
                    list.stream()
                        .map(c -> new OutboundEvent(c.seq(), EventRenderer.statusChange(jobId, c)))
                        .toList());
    return Uni.combine()
        .all()
        .unis(points, lines, changes)
        .with(
            (a, b, c) -> {
              List<OutboundEvent> all = new ArrayList<>(a.size() + b.size() + c.size());
              all.addAll(a);
              all.addAll(b);
              all.addAll(c);
              all.sort(Comparator.comparingLong(OutboundEvent::seq));
              return all;
            });
  }
}
