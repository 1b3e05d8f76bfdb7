package dev.trainwatch.functions.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Lambda Runtime API (version 2018-06-01) as AWS serves it to a function's runtime: the runtime
 * long-polls {@code /runtime/invocation/next} for an event and posts the result to {@code
 * /runtime/invocation/{id}/response} (or {@code /error}); a failure during start is posted to
 * {@code /runtime/init/error}. One invocation at a time, as in Lambda. It does not implement the
 * Extensions or Telemetry APIs.
 */
final class LambdaRuntimeApi implements AutoCloseable {

  private static final String BASE = "/2018-06-01/runtime/";

  private record Invocation(String id, String event, CompletableFuture<String> result) {}

  private final HttpServer server;
  private final BlockingQueue<Invocation> pending = new LinkedBlockingQueue<>();
  private final Map<String, Invocation> inFlight = new ConcurrentHashMap<>();
  private final CompletableFuture<String> initError = new CompletableFuture<>();

  LambdaRuntimeApi() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(BASE, this::handle);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  /** The value of AWS_LAMBDA_RUNTIME_API for the runtime. */
  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * Hands the event to the runtime and waits for its response document.
   *
   * @throws IllegalStateException when the runtime reports an error, or none comes in time
   */
  String invoke(String event, Duration timeout) throws Exception {
    Invocation invocation =
        new Invocation(UUID.randomUUID().toString(), event, new CompletableFuture<>());
    inFlight.put(invocation.id(), invocation);
    pending.add(invocation);
    CompletableFuture<Object> first =
        CompletableFuture.anyOf(invocation.result(), initError.thenApply(this::initFailure));
    return (String) first.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private String initFailure(String error) {
    throw new IllegalStateException("the runtime failed to start: " + error);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath().substring(BASE.length());
    byte[] body = exchange.getRequestBody().readAllBytes();
    try {
      if (path.equals("invocation/next")) {
        next(exchange);
      } else if (path.equals("init/error")) {
        initError.complete(new String(body, StandardCharsets.UTF_8));
        respond(exchange, 202, "{}");
      } else if (path.startsWith("invocation/")) {
        finish(exchange, path.substring("invocation/".length()), body);
      } else {
        respond(exchange, 404, "{}");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exchange.close();
    }
  }

  private void next(HttpExchange exchange) throws IOException, InterruptedException {
    Invocation invocation = pending.take();
    var headers = exchange.getResponseHeaders();
    headers.add("Lambda-Runtime-Aws-Request-Id", invocation.id());
    headers.add("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 60_000));
    headers.add(
        "Lambda-Runtime-Invoked-Function-Arn",
        "arn:aws:lambda:eu-west-1:000000000000:function:trainwatch-functions");
    headers.add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000");
    headers.add("Content-Type", "application/json");
    respond(exchange, 200, invocation.event());
  }

  private void finish(HttpExchange exchange, String rest, byte[] body) throws IOException {
    int slash = rest.indexOf('/');
    Invocation invocation = slash < 0 ? null : inFlight.remove(rest.substring(0, slash));
    if (invocation == null) {
      respond(exchange, 400, "{\"errorType\":\"InvalidRequestID\"}");
      return;
    }
    String text = new String(body, StandardCharsets.UTF_8);
    if (rest.endsWith("/response")) {
      invocation.result().complete(text);
    } else {
      invocation
          .result()
          .completeExceptionally(new IllegalStateException("function error: " + text));
    }
    respond(exchange, 202, "{}");
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
