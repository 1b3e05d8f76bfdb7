package dev.trainwatch.functions.rest;

import java.util.Map;

/** The answer to an ingest request: {"status":"ok"}, and "duplicate" for a repeated key. */
final class IngestAnswer {

  private static final Map<String, Object> OK = Map.of("status", "ok");
  private static final Map<String, Object> DUPLICATE = Map.of("status", "ok", "duplicate", true);

  private IngestAnswer() {}

  static Map<String, Object> of(boolean duplicate) {
    return duplicate ? DUPLICATE : OK;
  }
}
