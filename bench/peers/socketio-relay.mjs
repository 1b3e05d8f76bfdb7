// The peer the fan-out benchmark compares the relay with: what a team would build instead, a Socket.IO 4 server
// with the Redis adapter, fed by the same Redis publications the functions make. A socket joins room job:N from
// its query (?job_id=N); every message published on the job's shard channel PREFIX:job:{N} (SSUBSCRIBEd when the
// room gets its first socket) is emitted to that room as an "event", as the
// text the functions published (no parsing, as the relay). It does not authenticate, resume, replay gaps or
// bound a slow client's queue: it is the plain fan-out the relay is measured against.
//
//   PEER_PORT=28090 REDIS_URL=redis://localhost:6379 TRAINWATCH_KEY_PREFIX=twbench node bench/peers/socketio-relay.mjs
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { Server } from 'socket.io';

const port = Number(process.env.PEER_PORT ?? 28090);
const prefix = process.env.TRAINWATCH_KEY_PREFIX ?? 'tw';
const url = process.env.REDIS_URL ?? 'redis://localhost:6379';

const pub = createClient({ url });
const sub = pub.duplicate();
const feed = pub.duplicate();
await Promise.all([pub.connect(), sub.connect(), feed.connect()]);

const http = createServer((req, res) => {
  if (req.url === '/ready') {
    res.end('ok');
    return;
  }
  res.statusCode = 404;
  res.end();
});
const io = new Server(http, { adapter: createAdapter(pub, sub), transports: ['websocket'] });

io.on('connection', (socket) => {
  const job = Number(socket.handshake.query.job_id);
  if (!Number.isInteger(job) || job < 1) {
    socket.disconnect(true);
    return;
  }
  socket.join(`job:${job}`);
  follow(job);
  socket.emit('connected', { message: 'Connected to training monitoring', timestamp: new Date().toISOString() });
});

const followed = new Set();
function follow(job) {
  if (followed.has(job)) return;
  followed.add(job);
  feed.sSubscribe(`${prefix}:job:{${job}}`, (message) => io.to(`job:${job}`).emit('event', message));
}

http.listen(port, () => console.log(`socket.io peer on ${port}, fed by ${prefix}:job:{N}`));
