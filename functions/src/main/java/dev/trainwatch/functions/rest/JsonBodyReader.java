package dev.trainwatch.functions.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;

/**
 * Parses request bodies from the buffer Vert.x has already read. The Funqy CloudEvents extension
 * installs a body handler on every route, and with it Quarkus REST 3.34's own body reading handed
 * Jackson NUL bytes for bodies over about 8 KiB (found by a 5,000-point batch test). Reading the
 * buffered body directly avoids that path. Parsed with the application's ObjectMapper (NaN and
 * Infinity allowed). A body is one JSON value: content after it (NDJSON's next object) and a field
 * named twice are refused (400 malformed_json), never silently dropped.
 *
 * <p>The bytes are decoded as UTF-8 with every malformed sequence replaced by U+FFFD, as process
 * output and pod logs are, so a trainer's stray byte costs that character and not the request
 * (docs/protocol.md, "Text"). A leading byte order mark is skipped.
 */
@ApplicationScoped
public class JsonBodyReader {

  private static final String BYTE_ORDER_MARK = "\uFEFF";

  private final ObjectReader reader;

  public JsonBodyReader(ObjectMapper mapper) {
    // One JSON value per body: anything after it (a second object, as NDJSON sends) is refused
    // rather than silently dropped, and so is an object that names a field twice.
    this.reader =
        mapper
            .reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
  }

  /** The body's JSON tree; malformed JSON fails with the parser's words (mapped to 400). */
  JsonNode read(RoutingContext request) throws JsonProcessingException {
    Buffer body = request.body() == null ? null : request.body().buffer();
    if (body == null || body.length() == 0) {
      throw ApiException.badRequest("the body is empty: send a JSON object");
    }
    String text = new String(body.getBytes(), StandardCharsets.UTF_8);
    return reader.readTree(text.startsWith(BYTE_ORDER_MARK) ? text.substring(1) : text);
  }
}
