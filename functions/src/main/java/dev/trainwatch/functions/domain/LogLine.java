package dev.trainwatch.functions.domain;

import java.time.Instant;

/**
 * A log line as its writer sent it, before the rules of {@link LogText} and the reading of levels
 * and tracebacks turn it into entries.
 *
 * @param at when it was written
 * @param level the level its writer gave; null to read one from the text
 * @param text what was written, escapes and carriage returns included
 */
public record LogLine(Instant at, LogLevel level, String text) {}
