package dev.trainwatch.functions.domain;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Maps that keep the {@code most} entries used last (LRU): what a process remembers per job (its
 * settings, its metric names, its rate bucket, that it runs) stays bounded however many jobs pass
 * through it. Not thread-safe: a caller shared between threads wraps it ({@code
 * Collections.synchronizedMap}) or guards it itself.
 */
public final class LruMaps {

  private LruMaps() {}

  /** An empty map that drops its least recently used entry past {@code most} entries. */
  public static <K, V> Map<K, V> create(int most) {
    return new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > most;
      }
    };
  }
}
