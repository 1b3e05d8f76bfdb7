package dev.trainwatch.functions.rest;

import dev.trainwatch.functions.executor.KubernetesMockResource;
import io.quarkus.test.common.QuarkusTestResource;

/**
 * Starts the Kubernetes mock server, and gives every request an API token, once for every
 * integration test (the annotations apply to the whole test run), so all of them share one
 * application start.
 */
@QuarkusTestResource(KubernetesMockResource.class)
@QuarkusTestResource(AuthorizedClientResource.class)
public final class IntegrationProfile {

  private IntegrationProfile() {}
}
