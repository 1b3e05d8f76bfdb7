package dev.trainwatch.relay.websocket;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * The relay's own frames: the greeting, and the answer to each frame a browser sends (a pong for a
 * ping, an error otherwise). Events from Redis never pass through here; they go out unchanged.
 */
@ApplicationScoped
public class Frames {

  private final ObjectMapper mapper;

  public Frames(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** The greeting sent when a socket is accepted. */
  String connected(Instant now) {
    return mapper
        .createObjectNode()
        .put("type", "connected")
        .put("message", "Connected to training monitoring")
        .put("timestamp", now.toString())
        .toString();
  }

  /** The answer to a frame a browser sent. */
  String reply(String frame) {
    JsonNode type;
    try {
      type = mapper.readTree(frame).get("type");
    } catch (JsonProcessingException e) {
      return error("frame is not JSON");
    }
    if (type == null || !type.isTextual()) {
      return error("frame must be a JSON object with a string 'type'");
    }
    if (!type.asText().equals("ping")) {
      return error("unknown frame type; only 'ping' is understood");
    }
    return mapper.createObjectNode().put("type", "pong").toString();
  }

  private String error(String message) {
    return mapper.createObjectNode().put("type", "error").put("message", message).toString();
  }
}
