package dev.trainwatch.functions.domain;

/** The level of a log entry, as {@code training_log} carries it (upper case). */
public enum LogLevel {
  DEBUG,
  INFO,
  WARNING,
  ERROR;

  /**
   * The level a level name stands for, in any case: the four, and the names logging libraries use
   * besides (WARN, CRITICAL, FATAL, PANIC, TRACE, NOTICE, SUCCESS, logrus's ERRO, WARN, DEBU ...);
   * null for any other name.
   */
  public static LogLevel named(String name) {
    return switch (name.toUpperCase(java.util.Locale.ROOT)) {
      case "ERROR",
          "ERR",
          "ERR!",
          "ERRO",
          "CRITICAL",
          "CRIT",
          "FATAL ERROR",
          "FATAL",
          "FATA",
          "PANIC",
          "PANI",
          "ALERT",
          "EMERG",
          "EMERGENCY" ->
          ERROR;
      case "WARNING", "WARN" -> WARNING;
      case "DEBUG", "DEBU", "TRACE", "TRAC" -> DEBUG;
      case "INFO", "NOTICE", "SUCCESS" -> INFO;
      default -> null;
    };
  }
}
