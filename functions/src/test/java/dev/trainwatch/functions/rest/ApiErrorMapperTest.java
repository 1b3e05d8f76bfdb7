package dev.trainwatch.functions.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Unit: a process without a connection to spare answers 503 with Retry-After, never 500. */
class ApiErrorMapperTest {

  private final ApiErrorMapper mapper = new ApiErrorMapper();

  @Test
  void aFullPoolWaitQueueIsRetryLaterNotAnInternalError() {
    Response answer =
        mapper.unexpected(
            new CompletionException(
                new ConnectionPoolTooBusyException(
                    "Connection pool reached max wait queue size of 24")));

    assertThat(answer.getStatus()).isEqualTo(503);
    assertThat(answer.getHeaderString("Retry-After")).isEqualTo("1");
    assertThat(answer.getEntity().toString()).contains("overloaded");
  }

  @Test
  void noPooledConnectionWithinTheTimeoutIsRetryLater() {
    Response answer =
        mapper.unexpected(new CompletionException(new NoStackTraceThrowable("Timeout")));

    assertThat(answer.getStatus()).isEqualTo(503);
    assertThat(answer.getHeaderString("Retry-After")).isEqualTo("1");
  }

  @Test
  void postgresqlOutOfConnectionSlotsIsRetryLater() {
    Response answer =
        mapper.unexpected(
            new PgException(
                "too many connections for role \"trainwatch\"", "FATAL", "53300", null));

    assertThat(answer.getStatus()).isEqualTo(503);
    assertThat(answer.getHeaderString("Retry-After")).isEqualTo("1");
  }

  @Test
  void anythingElseUnforeseenIsStillAnInternalError() {
    assertThat(mapper.unexpected(new IllegalStateException("a bug")).getStatus()).isEqualTo(500);
  }
}
