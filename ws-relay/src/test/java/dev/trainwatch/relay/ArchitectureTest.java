package dev.trainwatch.relay;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The relay's layers, as docs/ARCHITECTURE.md draws them. Calls go down only: the socket endpoint
 * and the HTTP routes use token checks, subscriptions and metrics; subscriptions read the event
 * history; configuration is shared by all. The relay never learns an event's type: no layer here
 * parses a message past its id. There is no exception list.
 */
@AnalyzeClasses(
    packages = "dev.trainwatch.relay",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  private static final String PACKAGE = "dev.trainwatch.relay.";

  @ArchTest
  static final ArchRule layersCallDownOnly =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .ensureAllClassesAreContainedInArchitecture()
          .layer("Endpoint")
          .definedBy(PACKAGE + "websocket..", PACKAGE + "web..", PACKAGE + "health..")
          .layer("Metrics")
          .definedBy(PACKAGE + "metrics..")
          .layer("Auth")
          .definedBy(PACKAGE + "auth..")
          .layer("Subscription")
          .definedBy(PACKAGE + "subscription..")
          .layer("History")
          .definedBy(PACKAGE + "history..")
          .layer("Config")
          .definedBy(PACKAGE + "config..")
          .whereLayer("Endpoint")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("Metrics")
          .mayOnlyBeAccessedByLayers("Endpoint")
          .whereLayer("Auth")
          .mayOnlyBeAccessedByLayers("Endpoint")
          .whereLayer("Subscription")
          .mayOnlyBeAccessedByLayers("Endpoint", "Metrics", "Auth")
          .whereLayer("History")
          .mayOnlyBeAccessedByLayers("Endpoint", "Auth", "Subscription")
          .whereLayer("Config")
          .mayNotAccessAnyLayer();

  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching(PACKAGE + "(*)..").should().beFreeOfCycles();
}
