package dev.trainwatch.relay.health;

import dev.trainwatch.relay.subscription.ChannelSubscriber;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the Redis subscriber connection is open, since without it no event reaches a
 * browser. Whether Redis answers commands is the built-in Redis check's business, not this one's.
 */
@Readiness
@ApplicationScoped
public class SubscriberReadinessCheck implements HealthCheck {

  private final ChannelSubscriber subscriber;

  public SubscriberReadinessCheck(ChannelSubscriber subscriber) {
    this.subscriber = subscriber;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("Redis subscriber").status(subscriber.connected()).build();
  }
}
