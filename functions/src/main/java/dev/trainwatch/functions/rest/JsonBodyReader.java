package dev.trainwatch.functions.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Parses request bodies from the buffer Vert.x has already read. The Funqy CloudEvents extension
 * installs a body handler on every route, and with it Quarkus REST 3.34's own body reading handed
 * Jackson NUL bytes for bodies over about 8 KiB (found by a 5,000-point batch test). Reading the
 * buffered body directly avoids that path. Parsed with the application's ObjectMapper (NaN and
 * Infinity allowed).
 */
@ApplicationScoped
public class JsonBodyReader {

  private final ObjectMapper mapper;

  public JsonBodyReader(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** The body's JSON tree; malformed JSON fails with the parser's words (mapped to 400). */
  JsonNode read(RoutingContext request) throws JsonProcessingException {
    Buffer body = request.body() == null ? null : request.body().buffer();
    if (body == null || body.length() == 0) {
      throw ApiException.badRequest("the body is empty: send a JSON object");
    }
    try {
      return mapper.readTree(body.getBytes());
    } catch (JsonProcessingException e) {
      throw e;
    } catch (java.io.IOException e) {
      throw new IllegalStateException("reading a byte array does not fail", e);
    }
  }
}
