package dev.trainwatch.functions.rest;

import dev.trainwatch.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import java.util.List;
import java.util.Map;

/**
 * Every integration test's requests carry an API token that grants every project, unless a test
 * sends an Authorization header of its own. AuthIntegrationTest covers the refusals.
 */
public class AuthorizedClientResource implements QuarkusTestResourceLifecycleManager {

  private static final Filter API_TOKEN =
      (request, response, context) -> {
        if (!request.getHeaders().hasHeaderWithName("Authorization")) {
          request.header("Authorization", "Bearer " + TestTokens.api());
        }
        return context.next(request, response);
      };

  @Override
  public Map<String, String> start() {
    if (!RestAssured.filters().contains(API_TOKEN)) {
      RestAssured.filters(API_TOKEN);
    }
    return Map.of();
  }

  @Override
  public void stop() {
    RestAssured.replaceFiltersWith(List.of());
  }
}
