package dev.trainwatch.functions.executor;

/** An executor could not do what it was asked; the message says why, for people. */
public class ExecutorException extends RuntimeException {

  /** {@code what} went wrong, followed by the deepest cause's words (the ones that explain it). */
  public ExecutorException(String what, Throwable cause) {
    super(what + ": " + rootMessage(cause), cause);
  }

  private static String rootMessage(Throwable cause) {
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
  }
}
