package dev.trainwatch.relay.history;

/**
 * The job and sequence number of an event, read from its text without parsing the JSON: every event
 * the functions publish begins {@code {"type":"…","job_id":N,"seq":S,}} (docs/protocol.md).
 *
 * @param jobId the job
 * @param seq the job's event number
 */
public record EventId(long jobId, long seq) {

  /** The event's id, or null when the text is not an event of the protocol. */
  public static EventId of(String message) {
    long job = number(message, "\"job_id\":");
    long seq = number(message, "\"seq\":");
    return job < 0 || seq < 0 ? null : new EventId(job, seq);
  }

  private static long number(String text, String key) {
    int at = text.indexOf(key);
    if (at < 0 || at > 120) {
      return -1; // the ids lead every event; further in, the key belongs to something else
    }
    long value = 0;
    int digits = 0;
    for (int i = at + key.length(); i < text.length() && Character.isDigit(text.charAt(i)); i++) {
      if (++digits > 18) {
        return -1;
      }
      value = value * 10 + (text.charAt(i) - '0');
    }
    return digits == 0 ? -1 : value;
  }
}
