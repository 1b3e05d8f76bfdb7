package dev.trainwatch.relay.websocket;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a socket follows, read from its query: one job ({@code job_id}) or one session ({@code
 * session_id}), each a positive integer. It does not check that the job or session exists.
 *
 * @param kind {@code job} or {@code session}, as in the channel name
 * @param id the job's or session's id
 */
record FollowTarget(String kind, long id) {

  /** Why a socket whose query {@link #parse} refuses is closed. */
  static final String REFUSAL = "give job_id or session_id (exactly one) as a positive integer";

  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,19}");

  /** The target named by the query, or empty when it names none, both, or a bad id. */
  static Optional<FollowTarget> parse(Map<String, List<String>> query) {
    List<String> job = query.getOrDefault("job_id", List.of());
    List<String> session = query.getOrDefault("session_id", List.of());
    if (job.isEmpty() == session.isEmpty()) {
      return Optional.empty();
    }
    return job.isEmpty() ? target("session", session) : target("job", job);
  }

  /** The target named by a client frame's {@code job_id} or {@code session_id} (one of them). */
  static Optional<FollowTarget> of(Long jobId, Long sessionId) {
    if ((jobId == null) == (sessionId == null)) {
      return Optional.empty();
    }
    long id = jobId != null ? jobId : sessionId;
    return id > 0
        ? Optional.of(new FollowTarget(jobId != null ? "job" : "session", id))
        : Optional.empty();
  }

  /** Whether this target is one job (resumable by seq). */
  boolean isJob() {
    return kind.equals("job");
  }

  private static Optional<FollowTarget> target(String kind, List<String> values) {
    if (values.size() != 1 || !DIGITS.matcher(values.get(0)).matches()) {
      return Optional.empty();
    }
    try {
      long id = Long.parseLong(values.get(0));
      return id > 0 ? Optional.of(new FollowTarget(kind, id)) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty(); // nineteen digits above Long.MAX_VALUE
    }
  }
}
