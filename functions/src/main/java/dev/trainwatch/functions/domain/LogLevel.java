package dev.trainwatch.functions.domain;

/**
 * The level of a log entry, as {@code training_log} carries it (upper case, as the guide has it).
 */
public enum LogLevel {
  DEBUG,
  INFO,
  WARNING,
  ERROR
}
