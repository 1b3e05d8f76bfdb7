package dev.trainwatch.functions.auth;

import dev.trainwatch.guard.ClaimValues;
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

  /**
   * In a subscription token: the jti of the API token that minted it, so revoking that token ends
   * what it minted too.
   */
  public static final String PARENT = "parent";

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

  /** Whether {@code token} is an API token that grants every project. */
  public static boolean grantsEveryProject(JsonWebToken token) {
    return API.equals(ClaimValues.text(token.getClaim(SCOPE)))
        && ClaimValues.strings(token.getClaim(PROJECTS)).contains(ALL_PROJECTS);
  }
}
