package dev.trainwatch.relay.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.testing.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The socket protocol: greeting, pings, refused queries and malformed frames. */
@QuarkusTest
class RelayEndpointIntegrationTest {

  @TestHTTPResource("/api/v1/ws/training")
  URI endpoint;

  @Test
  void greetsAnAcceptedSocket() throws Exception {
    TestSocket socket = TestSocket.open(uri("job_id=" + TestSocket.randomId()));

    String greeting = socket.next();
    assertThat(greeting)
        .startsWith(
            "{\"type\":\"connected\",\"message\":\"Connected to training monitoring\","
                + "\"timestamp\":\"");
    String timestamp = greeting.replaceAll(".*\"timestamp\":\"([^\"]+)\".*", "$1");
    assertThat(Instant.parse(timestamp)).isBeforeOrEqualTo(Instant.now());
    socket.close();
  }

  @Test
  void answersPings() throws Exception {
    TestSocket socket = TestSocket.open(uri("session_id=" + TestSocket.randomId()));
    socket.next();

    socket.send("{\"type\":\"ping\"}");
    assertThat(socket.next()).isEqualTo("{\"type\":\"pong\"}");
    socket.send("{\"type\":\"ping\"}");
    assertThat(socket.next()).isEqualTo("{\"type\":\"pong\"}");
    socket.close();
  }

  @Test
  void connectedIsTheFirstFrameEvenWhenAPingIsSentAtOnce() {
    for (int attempt = 0; attempt < 20; attempt++) {
      CompletableFuture<String> first = new CompletableFuture<>();
      WebSocket socket =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .buildAsync(
                  TestSocket.uri(endpoint, "job_id=" + TestSocket.randomId()),
                  new WebSocket.Listener() {
                    @Override
                    public void onOpen(WebSocket webSocket) {
                      webSocket.sendText("{\"type\":\"ping\"}", true);
                      webSocket.request(1);
                    }

                    @Override
                    public CompletionStage<?> onText(
                        WebSocket webSocket, CharSequence data, boolean last) {
                      first.complete(data.toString());
                      return null;
                    }
                  })
              .join();
      assertThat(first.orTimeout(10, TimeUnit.SECONDS).join())
          .as("attempt %d", attempt)
          .contains("\"type\":\"connected\"");
      socket.abort();
    }
  }

  @Test
  void refusesABadQueryWithoutGreeting() {
    String[] queries = {
      "", "job_id=1&session_id=2", "job_id=abc", "job_id=0", "session_id=-5", "job_id=", "jobid=3"
    };
    for (String query : queries) {
      TestSocket socket = TestSocket.open(uri(query));

      TestSocket.Close close = socket.closed();
      assertThat(close.code()).as(query).isEqualTo(1008);
      assertThat(close.reason()).as(query).contains("job_id").contains("session_id");
      assertThat(socket.received()).as(query).isEmpty();
    }
  }

  @Test
  void answersAMalformedFrameWithAnErrorAndStaysOpen() throws Exception {
    TestSocket socket = TestSocket.open(uri("job_id=" + TestSocket.randomId()));
    socket.next();

    for (String frame : new String[] {"not json", "{\"kind\":\"ping\"}", "{\"type\":\"jump\"}"}) {
      socket.send(frame);
      assertThat(socket.next()).as(frame).startsWith("{\"type\":\"error\",\"message\":\"");
    }
    socket.send("{\"type\":\"ping\"}");
    assertThat(socket.next()).isEqualTo("{\"type\":\"pong\"}");
    socket.close();
  }

  private URI uri(String query) {
    return TestSocket.uri(endpoint, query);
  }
}
