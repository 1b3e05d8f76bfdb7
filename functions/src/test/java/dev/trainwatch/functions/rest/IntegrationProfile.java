package dev.trainwatch.functions.rest;

import dev.trainwatch.functions.executor.KubernetesMockResource;
import io.quarkus.test.common.QuarkusTestResource;

/**
 * Starts the Kubernetes mock server once for every integration test (the annotation applies to the
 * whole test run), so all of them share one application start.
 */
@QuarkusTestResource(KubernetesMockResource.class)
public final class IntegrationProfile {

  private IntegrationProfile() {}
}
