package dev.trainwatch.functions.config;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Bare NaN / Infinity accepted, since Python's json module writes them for a diverging loss. Output
 * writes them as strings (Jackson's default).
 *
 * <p>This does not set snake_case globally: the same ObjectMapper reads AWS Lambda's API Gateway
 * events and Kubernetes objects, whose names are camelCase. Each view of ours whose fields are
 * snake_case on the wire says so with {@code @JsonNaming}.
 */
@Singleton
public class JsonConfig implements ObjectMapperCustomizer {

  @Override
  public void customize(ObjectMapper mapper) {
    mapper.getFactory().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS.mappedFeature());
  }
}
