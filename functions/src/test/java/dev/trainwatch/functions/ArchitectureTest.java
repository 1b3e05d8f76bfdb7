package dev.trainwatch.functions;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The functions' layers, as docs/ARCHITECTURE.md draws them. Calls go down only: the entry points
 * (REST resources and CloudEvent functions) call services; services call executors, the event
 * publisher and repositories; an executor reports what it sees through {@code ExecutionListener},
 * which a service implements, and never calls a service. Domain types and configuration are shared
 * by all. There is no exception list.
 */
@AnalyzeClasses(
    packages = "dev.trainwatch.functions",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  private static final String PACKAGE = "dev.trainwatch.functions.";

  @ArchTest
  static final ArchRule layersCallDownOnly =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .ensureAllClassesAreContainedInArchitecture()
          .layer("Entry")
          .definedBy(PACKAGE + "rest..", PACKAGE + "function..")
          .layer("Service")
          .definedBy(PACKAGE + "service..")
          .layer("Executor")
          .definedBy(PACKAGE + "executor..")
          .layer("Event")
          .definedBy(PACKAGE + "event..")
          .layer("Auth")
          .definedBy(PACKAGE + "auth..")
          .layer("Repository")
          .definedBy(PACKAGE + "repository..")
          .layer("Domain")
          .definedBy(PACKAGE + "domain..", PACKAGE + "config..")
          .whereLayer("Entry")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("Service")
          .mayOnlyBeAccessedByLayers("Entry")
          .whereLayer("Executor")
          .mayOnlyBeAccessedByLayers("Entry", "Service")
          .whereLayer("Event")
          .mayOnlyBeAccessedByLayers("Entry", "Service")
          .whereLayer("Auth")
          .mayOnlyBeAccessedByLayers("Entry", "Service", "Executor")
          .whereLayer("Repository")
          .mayOnlyBeAccessedByLayers("Entry", "Service", "Executor", "Auth")
          .whereLayer("Domain")
          .mayNotAccessAnyLayer();

  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching(PACKAGE + "(*)..").should().beFreeOfCycles();
}
