package dev.trainwatch.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Bearer tokens for tests, signed (RS256) with the test key pair in this module's resources, which
 * the applications under test verify with. Also the bad ones: expired, from another issuer, signed
 * with another key. The keys are for tests only and guard nothing.
 */
public final class TestTokens {

  /** The issuer the applications under test expect. */
  public static final String ISSUER = "trainwatch";

  private static final String KEYS = "/dev/trainwatch/testing/";

  private TestTokens() {}

  /** An API token that grants every project. */
  public static String api() {
    return api("*");
  }

  /** An API token that grants the given projects ("*" for all). */
  public static String api(String... projects) {
    return sign(claims("api", Duration.ofHours(1)).with("projects", projects), "test-private.pem");
  }

  /** A job's ingest token. */
  public static String ingest(long jobId) {
    return sign(claims("ingest", Duration.ofHours(1)).with("job", jobId), "test-private.pem");
  }

  /** A relay subscription token for one job. */
  public static String subscribeJob(long jobId) {
    return sign(claims("subscribe", Duration.ofHours(1)).with("job", jobId), "test-private.pem");
  }

  /**
   * A relay subscription token for one job that expires {@code remaining} from now, or lives {@code
   * remaining} in all when that is longer than its scope allows.
   */
  public static String subscribeJobFor(long jobId, Duration remaining) {
    return sign(
        claims("subscribe", remaining.plusSeconds(120)).with("job", jobId), "test-private.pem");
  }

  /** The claims of a token (its payload, decoded, unverified), as JSON text. */
  public static String claimsOf(String token) {
    return new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
  }

  /** The header of a token, decoded, as JSON text. */
  public static String headerOf(String token) {
    return new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8);
  }

  /** The jti claim of a token. */
  public static String idOf(String token) {
    return claimsOf(token).replaceAll(".*\"jti\":\"([^\"]+)\".*", "$1");
  }

  /** A relay subscription token for one session of project {@code default}. */
  public static String subscribeSession(long sessionId) {
    return subscribeSession("default", sessionId);
  }

  /** A session token as minted before sessions belonged to projects: it names no project. */
  public static String subscribeSessionWithoutProject(long sessionId) {
    return sign(
        claims("subscribe", Duration.ofHours(1)).with("session", sessionId), "test-private.pem");
  }

  /** A relay subscription token for one session of {@code project}. */
  public static String subscribeSession(String project, long sessionId) {
    return sign(
        claims("subscribe", Duration.ofHours(1))
            .with("session", sessionId)
            .with("project", project),
        "test-private.pem");
  }

  /** An API token for all projects that expired ten minutes ago (past any clock skew allowed). */
  public static String expiredApi() {
    return sign(
        claims("api", Duration.ofMinutes(-10)).with("projects", new String[] {"*"}),
        "test-private.pem");
  }

  /** An API token for all projects from an issuer the applications do not trust. */
  public static String foreignIssuerApi() {
    Claims claims = claims("api", Duration.ofHours(1)).with("projects", new String[] {"*"});
    claims.values.put("iss", "someone-else");
    return sign(claims, "test-private.pem");
  }

  /** An API token for all projects signed with a key the applications do not know. */
  public static String wrongKeyApi() {
    return sign(
        claims("api", Duration.ofHours(1)).with("projects", new String[] {"*"}),
        "other-private.pem");
  }

  /** An API token for all projects that lives {@code lifetime} (issued two minutes ago). */
  public static String apiLiving(Duration lifetime) {
    return sign(claims("api", lifetime).with("projects", new String[] {"*"}), "test-private.pem");
  }

  /** An API token for all projects that claims to be issued {@code ahead} from now, for a day. */
  public static String apiIssuedAhead(Duration ahead) {
    Claims claims = claims("api", Duration.ofDays(1)).with("projects", new String[] {"*"});
    long issued = Instant.now().plus(ahead).getEpochSecond();
    claims.values.put("iat", issued);
    claims.values.put("exp", issued + Duration.ofDays(1).toSeconds());
    return sign(claims, "test-private.pem");
  }

  /** An API token for all projects without a jti, so nothing could revoke it. */
  public static String apiWithoutId() {
    Claims claims = claims("api", Duration.ofHours(1)).with("projects", new String[] {"*"});
    claims.values.remove("jti");
    return sign(claims, "test-private.pem");
  }

  /**
   * An API token for all projects signed with key {@code keyName} ({@code test}, {@code next} or
   * {@code other}) and naming {@code keyId} in its header, for key rotation: test-keys.jwks holds
   * test (kid test-1) and next (kid test-2).
   */
  public static String apiSignedBy(String keyName, String keyId) {
    return sign(
        claims("api", Duration.ofHours(1)).with("projects", new String[] {"*"}),
        keyName + "-private.pem",
        keyId);
  }

  /** The test public key as a file, for applications started as processes. */
  public static Path publicKeyFile() {
    return copyToFile("test-public.pem");
  }

  /** The test private key as a file, for applications started as processes (they mint tokens). */
  public static Path privateKeyFile() {
    return copyToFile("test-private.pem");
  }

  /** Claims of a token, in the order they are written. */
  private static final class Claims {
    final Map<String, Object> values = new LinkedHashMap<>();

    Claims with(String name, Object value) {
      values.put(name, value);
      return this;
    }
  }

  /** Claims of a token issued two minutes ago (past any clock skew) that lives {@code lifetime}. */
  private static Claims claims(String scope, Duration lifetime) {
    Instant issued = Instant.now().minusSeconds(120);
    Claims claims = new Claims();
    claims.values.put("iss", ISSUER);
    claims.values.put("sub", "test");
    claims.values.put("iat", issued.getEpochSecond());
    claims.values.put("exp", issued.plus(lifetime).getEpochSecond());
    claims.values.put("scope", scope);
    claims.values.put("jti", UUID.randomUUID().toString());
    return claims;
  }

  private static String sign(Claims claims, String keyName) {
    return sign(claims, keyName, null);
  }

  private static String sign(Claims claims, String keyName, String keyId) {
    String header =
        encode(
            keyId == null
                ? "{\"alg\":\"RS256\",\"typ\":\"JWT\"}"
                : "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + keyId + "\"}");
    String payload = encode(json(claims.values));
    try {
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initSign(privateKey(keyName));
      signature.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
      return header + "." + payload + "." + base64Url(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String json(Map<String, Object> values) {
    return values.entrySet().stream()
        .map(e -> "\"" + e.getKey() + "\":" + jsonValue(e.getValue()))
        .collect(Collectors.joining(",", "{", "}"));
  }

  private static String jsonValue(Object value) {
    if (value instanceof String[] array) {
      return Arrays.stream(array)
          .map(TestTokens::jsonValue)
          .collect(Collectors.joining(",", "[", "]"));
    }
    return value instanceof String text ? "\"" + text + "\"" : String.valueOf(value);
  }

  private static PrivateKey privateKey(String name) throws GeneralSecurityException {
    String pem =
        read(name)
            .replace("-----BEGIN PRIVATE KEY-----", "")
            .replace("-----END PRIVATE KEY-----", "")
            .replaceAll("\\s", "");
    return KeyFactory.getInstance("RSA")
        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
  }

  private static String read(String name) {
    try (InputStream in = TestTokens.class.getResourceAsStream(KEYS + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test key " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path copyToFile(String name) {
    try {
      Path file = Files.createTempFile("trainwatch-" + name.replace(".pem", ""), ".pem");
      Files.writeString(file, read(name));
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String encode(String json) {
    return base64Url(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
