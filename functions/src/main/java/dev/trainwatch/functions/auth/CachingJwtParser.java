package dev.trainwatch.functions.auth;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * smallrye-jwt's parser with each verified token kept until its exp: a trainer sends the same token
 * with every batch, and checking its RS256 signature again was about a third of the CPU of a
 * request. Only tokens whose signature, issuer and exp passed are kept, by their exact text; one is
 * never served past its exp, and the rest of what a token must pass (its lifetime per scope, its
 * revocation) is still checked on every request ({@link TokenPolicy}). It replaces the parser
 * smallrye-jwt's authentication uses (a CDI alternative).
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class CachingJwtParser extends DefaultJWTParser {

  /** Seconds a verified token is kept at most. */
  static final long KEPT_SECONDS = 60;

  /** Tokens kept, at most; past it they are all verified again. */
  private static final int REMEMBERED = 10_000;

  /** A verified token and until when (epoch seconds, exclusive) it is served from here. */
  private record Verified(JsonWebToken token, long until) {}

  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  @Inject
  public CachingJwtParser(JWTAuthContextInfo context) {
    super(context);
  }

  @Override
  public JsonWebToken parse(String token) throws ParseException {
    long now = System.currentTimeMillis() / 1000;
    Verified known = verified.get(token);
    if (known != null) {
      if (now < known.until()) {
        return known.token();
      }
      verified.remove(token);
    }
    JsonWebToken parsed = super.parse(token);
    if (verified.size() >= REMEMBERED) {
      verified.clear();
    }
    verified.put(
        token, new Verified(parsed, Math.min(parsed.getExpirationTime(), now + KEPT_SECONDS)));
    return parsed;
  }
}
