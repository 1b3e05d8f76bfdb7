package dev.trainwatch.functions.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.functions.TestFeed;
import dev.trainwatch.functions.TestJobs;
import dev.trainwatch.functions.TestPods;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Integration: sweeps racing on the same jobs store and publish each status change once. */
@QuarkusTest
class SweepRaceIntegrationTest {

  @Inject StatusSweepService sweep;
  @Inject KubernetesClient client;
  @Inject RedisDataSource redis;

  @Test
  void fourSweepsInParallelPublishEachTransitionOnce() throws Exception {
    List<Long> jobs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long id = TestJobs.submit(null);
      client.pods().inNamespace("training").resource(TestPods.of(id, "r", "Running")).create();
      jobs.add(id);
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> runs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      runs.add(
          pool.submit(
              () -> {
                go.await();
                return sweep.sweep();
              }));
    }
    go.countDown();
    for (Future<?> run : runs) {
      run.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    for (long id : jobs) {
      assertThat(TestFeed.statusChanges(redis, id))
          .as("job %d", id)
          .containsExactly("pending->running");
    }
  }
}
