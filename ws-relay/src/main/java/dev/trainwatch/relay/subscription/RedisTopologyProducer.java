package dev.trainwatch.relay.subscription;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The topology of the configured Redis: a cluster when {@code quarkus.redis.client-type} is {@code
 * cluster} (REDIS_CLIENT_TYPE), else one server.
 */
@ApplicationScoped
public class RedisTopologyProducer {

  @Produces
  @ApplicationScoped
  RedisTopology topology(
      Redis redis,
      Vertx vertx,
      @ConfigProperty(name = "quarkus.redis.client-type", defaultValue = "standalone") String type,
      @ConfigProperty(name = "quarkus.redis.password") Optional<String> password) {
    return "cluster".equalsIgnoreCase(type)
        ? new ClusterTopology(redis, vertx, password)
        : new StandaloneTopology(redis);
  }
}
