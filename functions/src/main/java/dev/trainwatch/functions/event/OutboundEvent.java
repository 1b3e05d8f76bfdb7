package dev.trainwatch.functions.event;

/**
 * A rendered protocol message and its job sequence number.
 *
 * @param seq the job's event number
 * @param json the message text, as browsers receive it
 */
public record OutboundEvent(long seq, String json) {}
