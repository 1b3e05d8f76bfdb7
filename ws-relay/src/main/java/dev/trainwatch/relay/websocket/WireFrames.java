package dev.trainwatch.relay.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.undertow.websockets.UndertowSession;
import jakarta.websocket.Session;

/**
 * Text frames to a socket's Netty channel, made so that one event to N sockets costs one UTF-8
 * encoding and a burst of events costs one write per socket.
 *
 * <ul>
 *   <li><b>One encoding per event.</b> The relay hands an event to every socket that follows it in
 *       a row, on one thread, as the same {@code String}. Each thread keeps the bytes of the last
 *       text it encoded; the next socket given that very instance gets a retained duplicate of them
 *       (shared, not copied), any other text is encoded anew. The JSR-356 {@code sendText} encodes
 *       once per socket.
 *   <li><b>One write per turn.</b> {@link #install} puts Netty's {@link FlushConsolidationHandler}
 *       on the channel: flushes asked for while frames keep coming in one turn of the channel's
 *       event loop leave as one write (a trainer's batch of points reaches the relay as one burst
 *       of events), at the cost of the rest of that turn, microseconds.
 * </ul>
 *
 * Frames keep their order: every write is queued on the channel's event loop in the order of the
 * calls. It does not compress (no permessage-deflate, which would be one encoding per socket again)
 * and does not fragment.
 */
final class WireFrames {

  /** Flushes held back at most before one goes out anyway (Netty's default). */
  private static final int MAX_HELD_FLUSHES = 256;

  /** The last text a thread encoded, and its bytes (held by one reference until replaced). */
  private static final class Last {
    String text;
    ByteBuf bytes;
  }

  private static final ThreadLocal<Last> LAST = ThreadLocal.withInitial(Last::new);

  private WireFrames() {}

  /** Makes the socket's channel consolidate flushes; call once, when the socket opens. */
  static void install(Session session) {
    channel(session).pipeline().addFirst(new FlushConsolidationHandler(MAX_HELD_FLUSHES, true));
  }

  /**
   * Writes {@code text} as one text frame; the future completes when it is written or failed. Every
   * write is queued on the channel's event loop, also from that loop's own thread: frames go out in
   * the order of the calls, whichever thread makes them (a write made on the loop would otherwise
   * overtake one queued from another thread a moment before).
   */
  static ChannelFuture write(Session session, String text) {
    Channel channel = channel(session);
    TextWebSocketFrame frame = new TextWebSocketFrame(encoded(text));
    ChannelPromise written = channel.newPromise();
    channel.eventLoop().execute(() -> channel.writeAndFlush(frame, written));
    return written;
  }

  /** The UTF-8 bytes of {@code text}, owned by the caller: shared with the previous call's. */
  static ByteBuf encoded(String text) {
    Last last = LAST.get();
    if (last.text != text) {
      if (last.bytes != null) {
        last.bytes.release();
      }
      ByteBuf bytes = ByteBufAllocator.DEFAULT.directBuffer(ByteBufUtil.utf8Bytes(text));
      ByteBufUtil.writeUtf8(bytes, text);
      last.text = text;
      last.bytes = bytes;
    }
    return last.bytes.retainedDuplicate();
  }

  private static Channel channel(Session session) {
    return ((UndertowSession) session).getChannel();
  }
}
