package dev.trainwatch.relay.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WireFramesTest {

  @Test
  void oneEventToManySocketsIsEncodedOnce() {
    String event = "{\"type\":\"training_log\",\"log\":{\"message\":\"é 😀 loss\"}}";
    ByteBuf first = WireFrames.encoded(event);
    ByteBuf second = WireFrames.encoded(event);

    assertThat(second.unwrap()).isSameAs(first.unwrap());
    assertThat(first.toString(StandardCharsets.UTF_8)).isEqualTo(event);
    assertThat(second.toString(StandardCharsets.UTF_8)).isEqualTo(event);
    // Each socket's copy is its own view: reading one leaves the other whole.
    first.skipBytes(first.readableBytes());
    assertThat(second.readableBytes()).isEqualTo(event.getBytes(StandardCharsets.UTF_8).length);
    first.release();
    second.release();
  }

  @Test
  void anotherTextIsEncodedAnewAndThePreviousBytesAreFreedWhenTheirSocketsAreDone() {
    ByteBuf earlier = WireFrames.encoded(new String("{\"seq\":1}"));
    ByteBuf shared = earlier.unwrap();
    // An equal text that is another instance is another event: encoded again, never mixed up.
    ByteBuf later = WireFrames.encoded(new String("{\"seq\":1}"));

    assertThat(later.unwrap()).isNotSameAs(shared);
    assertThat(shared.refCnt()).isEqualTo(1);
    earlier.release();
    assertThat(shared.refCnt()).isZero();
    assertThat(later.toString(StandardCharsets.UTF_8)).isEqualTo("{\"seq\":1}");
    later.release();
  }
}
