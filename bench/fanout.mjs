// Fan-out: C sockets spread over J jobs while events are published to those jobs, measured on the relay and, in
// the same run, on the Socket.IO peer (bench/peers/socketio-relay.mjs) fed by the same Redis publications. For each:
//
// - deliveries per second, and latency from the event's creation (the start of the ingest request, or of the
//   Redis call) to each socket's receipt, p50/p99/max;
// - the server process's own CPU per 1,000 deliveries (/proc/PID/stat), which the rest of the machine does not move;
// - idle memory per connection: the server's RSS (and, for the relay, JVM heap after a full GC) with N idle sockets
//   open, minus a baseline taken after a warm-up of as many sockets opened and closed, for each N of --idle;
// - with several rates (--rate 200,400,800), each measured in turn on the same sockets: the most deliveries per
//   second at a rate whose p99 stayed within 100 ms.
//
// --publish api posts points through the functions' ingest API (what a trainer does). --publish direct runs the
// functions' own publish script (functions/src/main/resources/redis/publish.lua) with the protocol's envelopes and
// per-job seqs from 1, so neither the functions nor PostgreSQL take part and no replay is triggered. The client
// sockets live in --procs worker processes (this file, run with --worker), so one Node event loop is not the bound;
// each event carries its creation time (a metric, ms since the epoch) and a worker times the receipt itself.
//
//   ./trainwatch bench fanout [--sockets 1000] [--jobs 10] [--rate 1000[,2000,...]] [--seconds 20] [--target both|relay|peer]
//                             [--publish api|direct] [--procs 2] [--idle 1000,10000] [--out fanout]
//                             [--relay-java '-Xmx512m'] (the relay's JVM options)
//                             [--baseline DIR] (also the relay of another checkout's build, e.g. a git worktree)
//                             [--warmup 20] (seconds before the first rate; 5 before the others)
//                             [--relays 1,2] (one measurement per count: that many relays, sockets spread over them)
//                             [--cluster 3] (a local Redis Cluster of that many masters instead of the machine's Redis;
//                              with --target relay)
//   (writes bench/results/OUT.json)
import { execFileSync, fork, spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createClient, createCluster } from 'redis';
import { io as socketIo } from 'socket.io-client';
import WebSocket from 'ws';

const ROOT = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const PORTS = { functions: 28081, relay: 28080, peer: 28090 };
const PREFIX = 'twbench';
/** Wall-clock ms with sub-ms precision, comparable across this machine's processes. */
const wallMs = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

if (process.argv[2] === '--worker') {
  worker();
} else {
  await main();
}

// ------------------------------------------------------------------------------------------------------------
// Worker: holds its share of the sockets, counts and times what they receive.
// ------------------------------------------------------------------------------------------------------------
function worker() {
  const SENT = /"sent_ms":([0-9.eE+]+)/;
  let sockets = [];
  let countFrom = Infinity;
  let delivered = 0;
  let latencies = [];
  const closes = {};
  const onEvent = (text) => {
    const match = SENT.exec(text);
    if (!match) return;
    const sent = Number(match[1]);
    if (sent < countFrom) return;
    delivered++;
    latencies.push(wallMs() - sent);
  };
  let closing = false;
  const closed = (why) => {
    if (!closing) closes[why] = (closes[why] ?? 0) + 1;
  };
  const open = ({ target, port, job, token }) =>
    new Promise((resolve, reject) => {
      if (target === 'relay') {
        const socket = new WebSocket(`ws://localhost:${port}/api/v1/ws/training?job_id=${job}&token=${token}`);
        socket.on('message', (data) => {
          const text = data.toString();
          if (text.startsWith('{"type":"connected"')) resolve(socket);
          else onEvent(text);
        });
        socket.on('error', reject);
        socket.on('close', closed);
      } else {
        const socket = socketIo(`http://localhost:${PORTS.peer}`, {
          transports: ['websocket'],
          query: { job_id: job },
          reconnection: false,
          forceNew: true,
        });
        socket.on('connected', () => resolve(socket));
        socket.on('event', onEvent);
        socket.on('connect_error', reject);
        socket.on('disconnect', closed);
      }
    });
  process.on('message', async (command) => {
    try {
      if (command.open) {
        for (let i = 0; i < command.open.length; i += 200) {
          sockets.push(...(await Promise.all(command.open.slice(i, i + 200).map(open))));
        }
        process.send({ done: 'open', sockets: sockets.length });
      } else if (command.countFrom !== undefined) {
        countFrom = command.countFrom;
        delivered = 0;
        latencies = [];
        process.send({ done: 'countFrom' });
      } else if (command.report) {
        process.send({ done: 'report', delivered, latencies, closes });
      } else if (command.close) {
        closing = true;
        for (const socket of sockets) socket.terminate ? socket.terminate() : socket.disconnect();
        sockets = [];
        countFrom = Infinity;
        await sleep(500);
        closing = false;
        process.send({ done: 'close' });
      }
    } catch (error) {
      process.send({ done: 'error', error: String(error?.message ?? error) });
    }
  });
}

// ------------------------------------------------------------------------------------------------------------
// Main: starts the servers, spreads sockets over the workers, publishes, and reports.
// ------------------------------------------------------------------------------------------------------------
async function main() {
  const options = {
    sockets: 1000,
    jobs: 10,
    rate: '1000',
    seconds: 20,
    target: 'both',
    publish: 'api',
    procs: 2,
    idle: '',
    out: 'fanout',
    'relay-java': '-Xmx512m',
    baseline: '',
    relays: '1',
    cluster: 0,
    warmup: 20,
  };
  const TEXT = new Set(['target', 'publish', 'idle', 'out', 'relay-java', 'baseline', 'relays', 'rate']);
  for (let i = 2; i < process.argv.length; i += 2) {
    const key = process.argv[i].replace(/^--/, '');
    if (!(key in options)) throw new Error(`unknown option ${process.argv[i]}`);
    options[key] = TEXT.has(key) ? process.argv[i + 1] : Number(process.argv[i + 1]);
  }
  if (!['api', 'direct'].includes(options.publish)) throw new Error('--publish takes api or direct');
  const relayCounts = options.relays.split(',').map(Number);
  const rates = options.rate.split(',').map(Number);
  if (options.cluster && options.target !== 'relay') throw new Error('--cluster measures the relay only: add --target relay');
  const idleCounts = options.idle ? options.idle.split(',').map(Number) : [];
  const ENV = {
    ...process.env,
    FUNCTIONS_PORT: String(PORTS.functions),
    RELAY_PORT: String(PORTS.relay),
    PEER_PORT: String(PORTS.peer),
    POSTGRES_DB: 'trainwatch_bench',
    TRAINWATCH_KEY_PREFIX: PREFIX,
    TRAINWATCH_SWEEP_SCHEDULED: 'false',
    TRAINWATCH_JOB_RATE: '100000000',
    TRAINWATCH_LOCAL_WORKDIR: ROOT,
    // The stand-in jobs (`sleep`) run on the local executor, as many as the benchmark starts.
    TRAINWATCH_EXECUTOR_LOCAL_ENABLED: 'true',
    TRAINWATCH_EXECUTOR_LOCAL_MAX_PROCESSES_PER_PROJECT: '100000',
  };
  const WORK = `${ROOT}/.run/bench/fanout`;
  mkdirSync(WORK, { recursive: true });
  const token = (...args) => execFileSync(`${ROOT}/trainwatch`, ['token', ...args]).toString().trim();

  const start = (name, command, args, env = {}) => {
    const log = openSync(`${WORK}/${name}.log`, 'w');
    return spawn(command, args, { cwd: ROOT, env: { ...ENV, ...env }, stdio: ['ignore', log, log] });
  };
  const ready = async (url, child) => {
    for (let i = 0; i < 900; i++) {
      if (child.exitCode !== null) throw new Error(`${url}: the process exited`);
      try {
        if ((await fetch(url)).ok) return;
      } catch {
        /* not listening yet */
      }
      await sleep(100);
    }
    throw new Error(`${url} not ready`);
  };
  const stopProcess = async (child) => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  };

  const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
  /** CPU seconds a process has used so far, in user space and in the kernel (from /proc/PID/stat). */
  const cpuSeconds = (pid) => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return { user: Number(fields[11]) / TICKS_PER_SECOND, system: Number(fields[12]) / TICKS_PER_SECOND };
  };
  const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
  const jvmHeapKiB = (pid) => {
    execFileSync('jcmd', [String(pid), 'GC.run']);
    return Number(/used (\d+)K/.exec(execFileSync('jcmd', [String(pid), 'GC.heap_info']).toString())[1]);
  };

  // The workers, and one request/answer exchange with each (they answer in order).
  const workers = [];
  for (let p = 0; p < options.procs; p++) {
    const child = fork(new URL(import.meta.url).pathname, ['--worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const answers = [];
    child.on('message', (answer) => answers.shift()?.(answer));
    workers.push({
      child,
      ask: (command) =>
        new Promise((resolve, reject) => {
          answers.push((answer) => (answer.done === 'error' ? reject(new Error(answer.error)) : resolve(answer)));
          child.send(command);
        }),
    });
  }
  const askAll = (command) => Promise.all(workers.map((w) => w.ask(command)));
  /** Opens `count` sockets of the target, round-robin over the jobs, its server ports and the workers. */
  const openSockets = async (target, ports, jobs, tokens, count) => {
    const shares = workers.map(() => []);
    for (let k = 0; k < count; k++) {
      const job = jobs[k % jobs.length];
      shares[k % workers.length].push({ target, port: ports[k % ports.length], job, token: tokens[job] });
    }
    await Promise.all(workers.map((w, i) => w.ask({ open: shares[i] })));
  };

  // What a measurement publishes with: the ingest API, or the functions' publish script on Redis.
  const apiHeaders = { Authorization: `Bearer ${token()}`, 'Content-Type': 'application/json' };
  const api = async (path, body) => {
    const response = await fetch(`http://localhost:${PORTS.functions}/api/v1/training${path}`, {
      method: 'POST',
      headers: apiHeaders,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  /** A local Redis Cluster of `masters` nodes (3 or more, no replicas) on ports from 27101, for --cluster. */
  const startCluster = async (masters) => {
    const dir = `${WORK}/cluster`;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const ports = Array.from({ length: masters }, (_, i) => 27101 + i);
    const cli = (port, ...args) => {
      try {
        return execFileSync('redis-cli', ['-p', String(port), ...args], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
      } catch {
        return '';
      }
    };
    const nodes = ports.map((port) =>
      spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `${dir}/nodes-${port}.conf`, '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' }),
    );
    for (const port of ports) while (cli(port, 'PING').trim() !== 'PONG') await sleep(100);
    execFileSync('redis-cli', ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes'], { stdio: 'ignore' });
    for (const port of ports) while (!cli(port, 'CLUSTER', 'INFO').includes('cluster_state:ok')) await sleep(100);
    return { port: ports[0], stop: () => nodes.forEach((node) => node.kill('SIGKILL')) };
  };
  const cluster = options.cluster ? await startCluster(options.cluster) : null;
  if (cluster) Object.assign(ENV, { REDIS_CLIENT_TYPE: 'cluster', REDIS_HOST: '127.0.0.1', REDIS_PORT: String(cluster.port) });

  const script = readFileSync(`${ROOT}/functions/src/main/resources/redis/publish.lua`, 'utf8');
  const redisUrl = `redis://${ENV.REDIS_HOST ?? 'localhost'}:${ENV.REDIS_PORT ?? 6379}`;
  const redis =
    options.publish !== 'direct' ? null : cluster ? createCluster({ rootNodes: [{ url: redisUrl }] }) : createClient({ url: redisUrl });
  let scriptSha = null;
  if (redis) {
    await redis.connect();
    // On a cluster, EVAL: a script loaded on one node is unknown to the others.
    if (!cluster) scriptSha = await redis.scriptLoad(script);
  }
  const seq = {};
  /** Publishes `steps` of `job` (one point each, created at `sent`); resolves when the server took them. */
  const publish = (job, steps, sent) => {
    const metrics = (s) => ({ loss: 0.5, accuracy: 0.75, sent_ms: sent, step_no: s });
    if (!redis) {
      return api(`/jobs/${job}/metrics`, { points: steps.map((s) => ({ epoch: 1, step: s, metrics: metrics(s) })) });
    }
    const timestamp = new Date(sent).toISOString();
    const args = ['', '1000', '86400', '0'];
    for (const s of steps) {
      const n = ++seq[job];
      args.push(String(n), JSON.stringify({ type: 'training_metrics', job_id: job, seq: n, metrics: { epoch: 1, step: s, metrics: metrics(s), timestamp } }));
    }
    const keys = [`${PREFIX}:job:{${job}}:history`, `${PREFIX}:job:{${job}}`];
    // On a cluster, sent to the master of the keys' slot (the client's eval goes to any node).
    return scriptSha
      ? redis.evalSha(scriptSha, { keys, arguments: args })
      : redis.sendCommand(keys[0], false, ['EVAL', script, String(keys.length), ...keys, ...args]);
  };

  /** Relay `i` of `root`'s build (this checkout's, or the --baseline one's), on port PORTS.relay + i. */
  const startRelay = (name, root, i) =>
    start(`${name}-${i}`, 'java', [...options['relay-java'].split(' ').filter(Boolean), '-jar', `${root}/ws-relay/target/quarkus-app/quarkus-run.jar`], {
      RELAY_PORT: String(PORTS.relay + i),
    });

  /** One target's servers: the peer, or `count` relays of a build. */
  const measure = async ({ name, kind, root, count }, jobs) => {
    const target = kind;
    const ports = kind === 'peer' ? [PORTS.peer] : Array.from({ length: count }, (_, i) => PORTS.relay + i);
    const children =
      kind === 'peer' ? [start('peer', process.execPath, [`${ROOT}/bench/peers/socketio-relay.mjs`])] : ports.map((_, i) => startRelay(name, root, i));
    for (let i = 0; i < children.length; i++) {
      await ready(kind === 'relay' ? `http://localhost:${ports[i]}/q/health/ready` : `http://localhost:${PORTS.peer}/ready`, children[i]);
    }
    await sleep(1000);
    const tokens = Object.fromEntries(jobs.map((job) => [job, target === 'relay' ? token('--job', String(job)) : '']));
    // Sums over the target's processes.
    const heap = () => (target === 'relay' ? children.reduce((sum, c) => sum + jvmHeapKiB(c.pid), 0) : null);
    const rss = () => children.reduce((sum, c) => sum + rssKiB(c.pid), 0);
    const cpu = () =>
      children.map((c) => cpuSeconds(c.pid)).reduce((sum, c) => ({ user: sum.user + c.user, system: sum.system + c.system }), { user: 0, system: 0 });

    // Idle memory: for each N, warm up with N sockets opened and closed, take the baseline, open N and measure.
    const idle = [];
    for (const count of idleCounts) {
      await openSockets(target, ports, jobs, tokens, count);
      await askAll({ close: true });
      await sleep(2000);
      // The heap first: a full GC may give memory back, and RSS is read after it.
      const before = { heap: heap(), rss: rss() };
      await openSockets(target, ports, jobs, tokens, count);
      await sleep(2000);
      const after = { heap: heap(), rss: rss() };
      idle.push({
        sockets: count,
        rss_kib_per_connection: Number(((after.rss - before.rss) / count).toFixed(1)),
        heap_kib_per_connection: before.heap === null ? null : Number(((after.heap - before.heap) / count).toFixed(1)),
      });
      await askAll({ close: true });
    }

    // Deliveries: every 50 ms, one batch per job; batches never overlap more than 4 per job. First a warm-up
    // (--warmup seconds before the first rate, while the JVM compiles its hot paths, 5 s before the others; nothing
    // counted), then `seconds` measured.
    await openSockets(target, ports, jobs, tokens, options.sockets);
    await sleep(2000);
    for (const job of jobs) {
      seq[job] = 0;
      if (redis) await redis.del(`${PREFIX}:job:{${job}}:history`);
    }
    const step = Object.fromEntries(jobs.map((job) => [job, 0]));
    /** One measurement at `rate` points/s over all jobs, on the sockets open now. */
    const run = async (rate) => {
      const perBatch = Math.max(1, Math.round((rate * 0.05) / jobs.length));
      let published = 0;
      let inFlight = 0;
      let skipped = 0;
      let peakRss = rss();
      const warmUpEnds = performance.now() + (rate === rates[0] ? options.warmup : 5) * 1000;
      let began = Infinity;
      let cpuAtStart = null;
      while (performance.now() - began < options.seconds * 1000) {
        if (began === Infinity && performance.now() >= warmUpEnds) {
          while (inFlight > 0) await sleep(5);
          await askAll({ countFrom: wallMs() });
          published = 0;
          skipped = 0;
          cpuAtStart = cpu();
          began = performance.now();
        }
        const counting = began !== Infinity;
        const tick = performance.now();
        for (const job of jobs) {
          if (inFlight >= 4 * jobs.length) {
            skipped += perBatch;
            continue;
          }
          const steps = [];
          for (let p = 0; p < perBatch; p++) steps.push(++step[job]);
          inFlight++;
          publish(job, steps, wallMs())
            .then(() => {
              if (counting) published += steps.length;
            })
            .catch((error) => console.error(error.message))
            .finally(() => inFlight--);
        }
        peakRss = Math.max(peakRss, rss());
        await sleep(Math.max(0, 50 - (performance.now() - tick)));
      }
      const elapsed = (performance.now() - began) / 1000;
      while (inFlight > 0) await sleep(10);
      // The tail of the deliveries: until every expected one arrived, or none came for 2 s (at most 30 s).
      const perJob = options.sockets / jobs.length;
      const expected = published * perJob;
      let reports = await askAll({ report: true });
      const total = () => reports.reduce((sum, r) => sum + r.delivered, 0);
      for (let last = -1, quiet = 0, waited = 0; total() < expected && quiet < 2000 && waited < 30_000; waited += 200) {
        quiet = total() === last ? quiet + 200 : 0;
        last = total();
        await sleep(200);
        reports = await askAll({ report: true });
      }
      const cpuAtEnd = cpu();
      const delivered = total();
      const perThousand = (seconds) => Number(((seconds * 1000) / (delivered / 1000)).toFixed(2));
      const latencies = reports.flatMap((r) => r.latencies).sort((a, b) => a - b);
      const closes = {};
      for (const r of reports) for (const [why, n] of Object.entries(r.closes)) closes[why] = (closes[why] ?? 0) + n;
      const at = (share) => latencies[Math.min(latencies.length - 1, Math.floor(share * latencies.length))] ?? NaN;
      return {
        rate,
        seconds: Number(elapsed.toFixed(1)),
        points_published_per_second: Math.round(published / elapsed),
        points_not_published: skipped,
        deliveries_expected: Math.round(expected),
        delivered,
        delivered_per_second: Math.round(delivered / elapsed),
        // The server's own CPU (the relay's JVM, or the peer's Node process) over the measured seconds and the tail.
        // User space (the server's code) and kernel (its syscalls: a write per socket, the loopback's TCP path).
        server_cpu_ms_per_1000_deliveries: perThousand(cpuAtEnd.user + cpuAtEnd.system - cpuAtStart.user - cpuAtStart.system),
        server_cpu_ms_per_1000_deliveries_user: perThousand(cpuAtEnd.user - cpuAtStart.user),
        server_cpu_ms_per_1000_deliveries_kernel: perThousand(cpuAtEnd.system - cpuAtStart.system),
        latency_ms: { p50: Number(at(0.5).toFixed(1)), p99: Number(at(0.99).toFixed(1)), max: Number(latencies.at(-1)?.toFixed(1)) },
        peak_rss_mib: Math.round(peakRss / 1024),
        closed_by_server: closes,
      };
    };
    const runs = [];
    for (const rate of rates) runs.push(await run(rate));
    await askAll({ close: true });
    for (const child of children) await stopProcess(child);
    return { target: name, servers: children.length, publish: options.publish, sockets: options.sockets, jobs: jobs.length, procs: options.procs, idle, runs };
  };

  const functions = options.publish === 'api' ? start('functions', 'java', ['-jar', `${ROOT}/functions/target/quarkus-app/quarkus-run.jar`]) : null;
  try {
    let jobs = [];
    if (functions) {
      await ready(`http://localhost:${PORTS.functions}/q/health/ready`, functions);
      const submission = { model_name: 'fanout', framework: 'bench', dataset_path: 'none', num_epochs: 1, batch_size: 1, executor_type: 'local', command: ['sleep', '3600'] };
      for (let j = 0; j < options.jobs; j++) jobs.push((await api('/jobs', submission)).job_id);
    } else {
      // Ids no stored job has; the relay takes any job its token names, and the publish script keeps their history.
      jobs = Array.from({ length: options.jobs }, (_, j) => 900_000_001 + j);
    }
    const results = [];
    const targets = [];
    if (options.target !== 'peer') {
      for (const count of relayCounts) targets.push({ name: count === 1 ? 'relay' : `relay-x${count}`, kind: 'relay', root: ROOT, count });
      if (options.baseline) targets.push({ name: 'relay-baseline', kind: 'relay', root: options.baseline, count: 1 });
    }
    if (options.target !== 'relay') targets.push({ name: 'peer', kind: 'peer', count: 1 });
    for (const target of targets) {
      const result = await measure(target, jobs);
      results.push(result);
      console.log(JSON.stringify(result));
    }
    if (functions) for (const job of jobs) await api(`/jobs/${job}/cancel`);
    console.log(`\n${options.publish === 'api' ? 'published through the ingest API' : 'published straight to Redis'}, ${options.procs} client processes`);
    console.log('| target | sockets | points/s published | deliveries/s | delivered / expected | server CPU per 1,000 deliveries (user + kernel) | p50 | p99 | max |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of results) {
      for (const run of r.runs) {
        const cpu = `${run.server_cpu_ms_per_1000_deliveries} ms (${run.server_cpu_ms_per_1000_deliveries_user} + ${run.server_cpu_ms_per_1000_deliveries_kernel})`;
        console.log(`| ${r.target} | ${r.sockets} | ${run.points_published_per_second} | ${run.delivered_per_second} | ${run.delivered} / ${run.deliveries_expected} | ${cpu} | ${run.latency_ms.p50} ms | ${run.latency_ms.p99} ms | ${run.latency_ms.max} ms |`);
      }
    }
    if (idleCounts.length) {
      console.log('\n| target | idle sockets | RSS per connection | heap per connection |\n| --- | --- | --- | --- |');
      for (const r of results) for (const i of r.idle) console.log(`| ${r.target} | ${i.sockets} | ${i.rss_kib_per_connection} KiB | ${i.heap_kib_per_connection ?? '-'} KiB |`);
    }
    // The most deliveries per second a target made at a rate where its p99 stayed within 100 ms.
    const best = (r) => Math.max(0, ...r.runs.filter((run) => run.latency_ms.p99 <= 100).map((run) => run.delivered_per_second));
    for (const r of results) r.best_delivered_per_second_p99_under_100ms = best(r);
    const bestText = (r) => (r.best_delivered_per_second_p99_under_100ms ? r.best_delivered_per_second_p99_under_100ms : 'none at the rates tried');
    if (rates.length > 1) console.log(`\ndeliveries/s at p99 <= 100 ms: ${results.map((r) => `${r.target} ${bestText(r)}`).join(', ')}`);
    const ours = results.find((r) => r.target === 'relay');
    const peer = results.find((r) => r.target === 'peer');
    const ratio = (a, b) => Number((a / b).toFixed(2));
    const ratios =
      ours && peer
        ? {
            // Per rate, in the order of --rate.
            delivered_per_second: ours.runs.map((run, k) => ratio(run.delivered_per_second, peer.runs[k].delivered_per_second)),
            p99_latency: ours.runs.map((run, k) => ratio(run.latency_ms.p99, peer.runs[k].latency_ms.p99)),
            server_cpu_per_delivery: ours.runs.map((run, k) => ratio(run.server_cpu_ms_per_1000_deliveries, peer.runs[k].server_cpu_ms_per_1000_deliveries)),
            // null when the peer kept p99 within 100 ms at none of the rates (try lower ones).
            best_delivered_per_second_p99_under_100ms: peer.best_delivered_per_second_p99_under_100ms
              ? ratio(ours.best_delivered_per_second_p99_under_100ms, peer.best_delivered_per_second_p99_under_100ms)
              : null,
            idle_rss_per_connection: ours.idle.map((i, k) => ratio(i.rss_kib_per_connection, peer.idle[k].rss_kib_per_connection)),
          }
        : null;
    if (ratios) {
      console.log(`\nrelay ÷ peer, per rate: throughput ${ratios.delivered_per_second.join(', ')}; p99 ${ratios.p99_latency.join(', ')}; server CPU per delivery ${ratios.server_cpu_per_delivery.join(', ')}`);
      console.log(`relay ÷ peer: deliveries/s at p99 <= 100 ms ${ratios.best_delivered_per_second_p99_under_100ms ?? '- (the peer: none)'}; idle RSS per connection ${ratios.idle_rss_per_connection.join(', ') || '-'}`);
    }
    mkdirSync(`${ROOT}/bench/results`, { recursive: true });
    const machine = `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}`;
    writeFileSync(`${ROOT}/bench/results/${options.out}.json`, `${JSON.stringify({ machine, options, results, ratios }, null, 2)}\n`);
    console.log(`written to bench/results/${options.out}.json`);
  } finally {
    for (const w of workers) w.child.kill();
    if (redis) await redis.quit();
    if (cluster) cluster.stop();
    if (functions) await stopProcess(functions);
  }
}
