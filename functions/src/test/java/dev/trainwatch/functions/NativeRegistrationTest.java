package dev.trainwatch.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.trainwatch.functions.rest.JobView;
import io.quarkus.funqy.Funq;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.junit.jupiter.api.Test;

/**
 * Unit: every type of ours that Jackson writes or reads at run time is registered for reflection by
 * {@link RegisterForReflection}, so a native executable serialises it. Serialised are: what a REST
 * endpoint answers (through {@code Uni}, {@code List} and the like), what a Response's body is
 * declared to be ({@link APIResponse}'s schema, which the OpenAPI document shows too), what a
 * CloudEvent function takes and answers, and the records inside those, transitively.
 */
class NativeRegistrationTest {

  private static final String OURS = "dev.trainwatch.";
  private static final List<Class<? extends Annotation>> ENDPOINTS =
      List.of(GET.class, POST.class, DELETE.class, Funq.class);

  @Test
  void everySerialisedTypeIsRegisteredForReflection() {
    JavaClasses classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.trainwatch.functions");
    Set<String> serialised = new TreeSet<>();
    Deque<Type> todo = new ArrayDeque<>();
    for (JavaClass type : classes) {
      for (Method method : type.reflect().getDeclaredMethods()) {
        if (ENDPOINTS.stream().noneMatch(method::isAnnotationPresent)) {
          continue;
        }
        todo.add(method.getGenericReturnType());
        if (method.isAnnotationPresent(Funq.class)) {
          todo.addAll(List.of(method.getGenericParameterTypes()));
        }
        APIResponse answer = method.getAnnotation(APIResponse.class);
        if (answer != null) {
          for (var content : answer.content()) {
            todo.add(content.schema().implementation());
          }
        }
      }
    }
    while (!todo.isEmpty()) {
      Type next = todo.pop();
      if (next instanceof ParameterizedType generic) {
        todo.addAll(List.of(generic.getActualTypeArguments()));
      } else if (next instanceof Class<?> raw
          && raw.getName().startsWith(OURS)
          && serialised.add(raw.getName())
          && raw.isRecord()) {
        for (RecordComponent component : raw.getRecordComponents()) {
          todo.add(component.getGenericType());
        }
      }
    }

    assertThat(serialised).as("the serialised types found").contains(JobView.class.getName());
    List<String> unregistered =
        serialised.stream()
            .filter(name -> !classes.get(name).isAnnotatedWith(RegisterForReflection.class))
            .toList();
    assertThat(unregistered).as("serialised, not registered for reflection").isEmpty();
  }
}
