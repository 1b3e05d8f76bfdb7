package dev.trainwatch.functions.service;

import dev.trainwatch.functions.event.EventType;
import dev.trainwatch.functions.event.OutboundEvent;
import dev.trainwatch.functions.event.StoredEventSource;
import io.quarkus.arc.All;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads a job's stored events of every type back, merged in seq order, and renders them exactly as
 * they were first rendered. It asks every {@link EventType} bean there is, so a new type needs no
 * change here.
 */
@ApplicationScoped
public class StoredEventReader implements StoredEventSource {

  private final List<EventType<?>> types;

  public StoredEventReader(@All List<EventType<?>> types) {
    this.types = List.copyOf(types);
  }

  @Override
  public Uni<List<OutboundEvent>> between(long jobId, long afterSeq, long beforeSeq) {
    int most = (int) Math.min(Integer.MAX_VALUE, Math.max(0, beforeSeq - afterSeq - 1));
    List<Uni<List<OutboundEvent>>> reads =
        types.stream().map(type -> type.stored(jobId, afterSeq, beforeSeq, most)).toList();
    return Uni.join()
        .all(reads)
        .andFailFast()
        .map(
            lists -> {
              List<OutboundEvent> all = new ArrayList<>();
              lists.forEach(all::addAll);
              all.sort(Comparator.comparingLong(OutboundEvent::seq));
              return all;
            });
  }
}
