package dev.trainwatch.relay.websocket;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * The relay's own frames: reading what a browser sends, and writing the greeting, pong, errors and
 * subscription answers. Events from Redis never pass through here; they go out unchanged.
 */
@ApplicationScoped
public class Frames {

  /** Frames are small; anything larger or deeper is refused unread. */
  static final int MAX_FRAME_CHARS = 4096;

  private static final String TARGET =
      "give job_id or session_id (exactly one) as a positive integer";

  private final ObjectMapper mapper;

  public Frames(ObjectMapper mapper) {
    this.mapper = mapper.copy();
    this.mapper
        .getFactory()
        .setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).build());
  }

  /** The greeting sent once the socket's first subscription is confirmed. */
  String connected(Instant now) {
    return object("connected")
        .put("message", "Connected to training monitoring")
        .put("timestamp", now.toString())
        .toString();
  }

  String pong() {
    return object("pong").toString();
  }

  /** The answer to a later subscribe, once it is confirmed. */
  String subscribed(FollowTarget target) {
    return object("subscribed").put(target.kind() + "_id", target.id()).toString();
  }

  String unsubscribed(FollowTarget target) {
    return object("unsubscribed").put(target.kind() + "_id", target.id()).toString();
  }

  /** The answer to an auth frame on an admitted socket: its fresh token holds until then. */
  String tokenRenewed(Instant expiresAt) {
    return object("token_renewed").put("expires_at", expiresAt.toString()).toString();
  }

  String error(String message) {
    return object("error").put("message", message).toString();
  }

  /** What a browser's frame asks for. */
  ClientFrame read(String frame) {
    if (frame.length() > MAX_FRAME_CHARS) {
      return new ClientFrame.Invalid("frame is longer than " + MAX_FRAME_CHARS + " characters");
    }
    JsonNode node;
    try {
      node = mapper.readTree(frame);
    } catch (JsonProcessingException e) {
      return new ClientFrame.Invalid("frame is not JSON (or nests too deep)");
    }
    JsonNode type = node == null ? null : node.get("type");
    if (type == null || !type.isTextual()) {
      return new ClientFrame.Invalid("frame must be a JSON object with a string 'type'");
    }
    return switch (type.asText()) {
      case "ping" -> new ClientFrame.Ping();
      case "auth" -> auth(token(node));
      case "subscribe", "resume" -> subscribe(node, type.asText().equals("resume"));
      case "unsubscribe" ->
          FollowTarget.of(id(node, "job_id"), id(node, "session_id"))
              .<ClientFrame>map(ClientFrame.Unsubscribe::new)
              .orElse(new ClientFrame.Invalid(TARGET));
      default ->
          new ClientFrame.Invalid(
              "unknown frame type; auth, ping, subscribe, resume and unsubscribe are understood");
    };
  }

  private ClientFrame subscribe(JsonNode node, boolean resume) {
    FollowTarget target = FollowTarget.of(id(node, "job_id"), id(node, "session_id")).orElse(null);
    if (target == null) {
      return new ClientFrame.Invalid(TARGET);
    }
    JsonNode since = node.get("since");
    if (since == null || since.isNull()) {
      return resume
          ? new ClientFrame.Invalid("resume needs 'since': the last seq you have")
          : new ClientFrame.Subscribe(target, null, token(node));
    }
    if (!since.canConvertToLong() || !since.isIntegralNumber() || since.asLong() < 0) {
      return new ClientFrame.Invalid("'since' must be a seq: a whole number, 0 or more");
    }
    if (!target.isJob()) {
      return new ClientFrame.Invalid(
          "'since' is per job: resume each job of a session by its job_id");
    }
    return new ClientFrame.Subscribe(target, since.asLong(), token(node));
  }

  private static ClientFrame auth(String token) {
    return token == null
        ? new ClientFrame.Invalid("auth needs 'token': a subscription token")
        : new ClientFrame.Auth(token);
  }

  /** The frame's string {@code token}, or null. */
  private static String token(JsonNode node) {
    JsonNode token = node.get("token");
    return token != null && token.isTextual() ? token.asText() : null;
  }

  private static Long id(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    return value.isIntegralNumber() && value.canConvertToLong() ? value.asLong() : -1L;
  }

  private ObjectNode object(String type) {
    return mapper.createObjectNode().put("type", type);
  }
}
