package dev.trainwatch.relay.metrics;

import dev.trainwatch.relay.subscription.SubscriptionRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The relay's meters: open sockets and subscribed channels (read from the registry when scraped)
 * and messages delivered to sockets. Created at start-up so all three show from the first scrape.
 * It does not time or size messages.
 */
@Startup
@ApplicationScoped
public class RelayMetrics {

  private final Counter delivered;

  public RelayMetrics(MeterRegistry meters, SubscriptionRegistry registry) {
    Gauge.builder("trainwatch.relay.connections", registry, SubscriptionRegistry::followerCount)
        .description("Open browser sockets following a job or session")
        .strongReference(true)
        .register(meters);
    Gauge.builder("trainwatch.relay.channels", registry, SubscriptionRegistry::channelCount)
        .description("Redis channels the relay is subscribed to")
        .strongReference(true)
        .register(meters);
    this.delivered =
        Counter.builder("trainwatch.relay.messages.delivered")
            .description("Messages sent to browser sockets")
            .register(meters);
  }

  /** Counts one message sent to one socket. */
  public void delivered() {
    delivered.increment();
  }
}
