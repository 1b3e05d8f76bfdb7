package dev.trainwatch.functions.auth;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Collection;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The claims of Trainwatch's bearer tokens (JWT, RS256). Every token has a {@value #SCOPE}, which
 * says what it may do:
 *
 * <ul>
 *   <li>{@value #API}: people and scripts. Reads and writes the jobs of the projects in {@value
 *       #PROJECTS} ({@value #ALL_PROJECTS} for all).
 *   <li>{@value #INGEST}: one job's trainer. Posts metrics and logs of job {@value #JOB} and
 *       nothing else; it reads nothing.
 *   <li>{@value #SUBSCRIBE}: one browser connection. Follows job {@value #JOB}, or session {@value
 *       #SESSION} of project {@value #PROJECT}, on the relay; the functions take it nowhere.
 * </ul>
 *
 * The relay reads the same names (docs/protocol.md, "Tokens").
 */
public final class TokenClaims {

  /** What the token may do. */
  public static final String SCOPE = "scope";

  /** The projects an API token grants. */
  public static final String PROJECTS = "projects";

  /** The one job an ingest or subscription token is for. */
  public static final String JOB = "job";

  /** The project whose session a session subscription token is for (sessions are per project). */
  public static final String PROJECT = "project";

  /** The one session a subscription token is for. */
  public static final String SESSION = "session";

  /** Scope of people's and scripts' tokens. */
  public static final String API = "api";

  /** Scope of a job's own token. */
  public static final String INGEST = "ingest";

  /** Scope of a relay subscription token. */
  public static final String SUBSCRIBE = "subscribe";

  /** In {@value #PROJECTS}: every project. */
  public static final String ALL_PROJECTS = "*";

  private TokenClaims() {}

  /** A claim as text, as smallrye-jwt gives it (a JSON string, or a plain value). */
  public static String text(Object claim) {
    return claim instanceof JsonString text ? text.getString() : String.valueOf(claim);
  }

  /** A claim as a whole number, or null when it is none. */
  public static Long number(Object claim) {
    if (claim instanceof JsonNumber number) {
      return number.longValue();
    }
    return claim instanceof Number number ? number.longValue() : null;
  }

  /** A claim as a list of strings (non-strings left out), or an empty list. */
  public static List<String> strings(Object claim) {
    if (claim instanceof JsonArray array) {
      return array.stream()
          .filter(value -> value.getValueType() == JsonValue.ValueType.STRING)
          .map(value -> ((JsonString) value).getString())
          .toList();
    }
    if (claim instanceof Collection<?> values) {
      return values.stream().map(String::valueOf).toList();
    }
    return List.of();
  }

  /** Whether {@code token} is an API token that grants every project. */
  public static boolean grantsEveryProject(JsonWebToken token) {
    return API.equals(text(token.getClaim(SCOPE)))
        && strings(token.getClaim(PROJECTS)).contains(ALL_PROJECTS);
  }
}
