package dev.trainwatch.functions.domain;

/**
 * Text as PostgreSQL's {@code text} and JSON can carry it, the same on every path (POST bodies, a
 * local process's output, a pod's log): U+0000, which PostgreSQL cannot store, and a lone UTF-16
 * surrogate, which is no Unicode character and has no UTF-8 form, each become U+FFFD (the
 * replacement character), so the rest of the text and its neighbours are stored as sent. Bytes that
 * are not UTF-8 already arrive as U+FFFD: the decoders of process output and pod logs replace them.
 * docs/protocol.md, "Text", states the rule.
 */
public final class StoredText {

  /** What a character that cannot be stored becomes. */
  public static final char REPLACEMENT = '\uFFFD';

  private StoredText() {}

  /**
   * {@code text} with every U+0000 and lone surrogate replaced; the same string when it has none.
   */
  public static String of(String text) {
    if (text == null || !needsReplacing(text)) {
      return text;
    }
    StringBuilder stored = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        stored.append(c).append(text.charAt(++i));
      } else {
        stored.append(c == 0 || Character.isSurrogate(c) ? REPLACEMENT : c);
      }
    }
    return stored.toString();
  }

  /** Whether {@code text} holds a U+0000 or a lone surrogate. */
  public static boolean needsReplacing(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == 0) {
        return true;
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }
}
