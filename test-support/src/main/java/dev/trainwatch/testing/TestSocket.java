package dev.trainwatch.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A test's browser: the JDK's WebSocket client, collecting what the relay sends. */
public final class TestSocket implements WebSocket.Listener, AutoCloseable {

  /** How the relay closed a socket. */
  public record Close(int code, String reason) {}

  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  private final CompletableFuture<Close> closed = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  private WebSocket socket;

  private static final Pattern TARGET =
      Pattern.compile("(?:^|&)(job|session)_id=([1-9][0-9]{0,17})(?:&|$)");

  private TestSocket() {}

  /**
   * The WebSocket address of {@code endpoint} (an http URI) with {@code query}, plus a subscription
   * token ({@link TestTokens}) for the job or session the query names, as a browser would get it.
   */
  public static URI uri(URI endpoint, String query) {
    return withoutToken(endpoint, withToken(query));
  }

  /** The WebSocket address of {@code endpoint} with {@code query} as it is: no token added. */
  public static URI withoutToken(URI endpoint, String query) {
    return URI.create("ws" + endpoint.toString().substring("http".length()) + "?" + query);
  }

  /** {@code query} plus {@code &token=} covering its job_id or session_id, when it names one. */
  public static String withToken(String query) {
    Matcher target = TARGET.matcher(query);
    if (!target.find()) {
      return query;
    }
    long id = Long.parseLong(target.group(2));
    String token =
        target.group(1).equals("job")
            ? TestTokens.subscribeJob(id)
            : TestTokens.subscribeSession(id);
    return query + "&token=" + token;
  }

  /** A job or session id no other test uses. */
  public static long randomId() {
    return ThreadLocalRandom.current().nextLong(1L << 40, 1L << 50);
  }

  /** Connects to {@code uri} and waits for the handshake. */
  public static TestSocket open(URI uri) {
    TestSocket listener = new TestSocket();
    listener.socket =
        CLIENT
            .newWebSocketBuilder()
            .buildAsync(uri, listener)
            .orTimeout(10, TimeUnit.SECONDS)
            .join();
    return listener;
  }

  /** Sends a text frame. */
  public void send(String text) {
    socket.sendText(text, true).join();
  }

  /** The next message the relay sent, waiting for it. */
  public String next() throws InterruptedException {
    String message = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(message).as("a message within %s", WAIT).isNotNull();
    return message;
  }

  /** The next message if one arrives within {@code wait}, else null. */
  public String poll(Duration wait) throws InterruptedException {
    return received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Messages received and not yet taken. */
  public BlockingQueue<String> received() {
    return received;
  }

  /** How the relay closed the socket, waiting for it. */
  public Close closed() {
    return closed.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
  }

  /** Closes the socket normally without waiting for the relay's answer. */
  @Override
  public void close() {
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      received.add(partial.toString());
      partial.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(new Close(statusCode, reason));
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.completeExceptionally(error);
  }
}
