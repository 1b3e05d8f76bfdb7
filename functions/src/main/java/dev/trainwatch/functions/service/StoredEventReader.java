package dev.trainwatch.functions.service;

import dev.trainwatch.functions.event.EventType;
import dev.trainwatch.functions.event.OutboundEvent;
import dev.trainwatch.functions.event.StoredEventSource;
import io.quarkus.arc.All;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a job's stored events of every type back, merged in seq order, and renders them exactly as
 * they were first rendered. It asks every {@link EventType} bean there is, so a new type needs no
 * change here.
 */
@ApplicationScoped
public class StoredEventReader implements StoredEventSource {

  private final List<EventType<?>> types;
  private final Set<String> names;

  public StoredEventReader(@All List<EventType<?>> types) {
    this.types = List.copyOf(types);
    this.names =
        Collections.unmodifiableSortedSet(
            new TreeSet<>(types.stream().map(EventType::name).toList()));
  }

  @Override
  public Uni<List<OutboundEvent>> between(long jobId, long afterSeq, long beforeSeq) {
    int most = (int) Math.min(Integer.MAX_VALUE, Math.max(0, beforeSeq - afterSeq - 1));
    return merged(types, jobId, afterSeq, beforeSeq, most);
  }

  /**
   * Each named type's first {@code most} events, merged and cut to {@code most}: the union's first
   * {@code most} are among them, whatever the seq gaps between the types' events.
   */
  @Override
  public Uni<List<OutboundEvent>> ofTypes(long jobId, long afterSeq, Set<String> wanted, int most) {
    List<EventType<?>> chosen = types.stream().filter(t -> wanted.contains(t.name())).toList();
    return merged(chosen, jobId, afterSeq, Long.MAX_VALUE, most)
        .map(all -> all.size() > most ? List.copyOf(all.subList(0, most)) : all);
  }

  @Override
  public Set<String> typeNames() {
    return names;
  }

  private static Uni<List<OutboundEvent>> merged(
      List<EventType<?>> chosen, long jobId, long afterSeq, long beforeSeq, int most) {
    if (chosen.isEmpty()) {
      return Uni.createFrom().item(List.of());
    }
    List<Uni<List<OutboundEvent>>> reads =
        chosen.stream().map(type -> type.stored(jobId, afterSeq, beforeSeq, most)).toList();
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
