// Fan-out: C sockets spread over J jobs while points are posted to those jobs through the ingest API, measured on
// the relay and, in the same run, on the Socket.IO peer (bench/peers/socketio-relay.mjs) fed by the same Redis
// publications. For each: deliveries per second, end-to-end latency from the start of the ingest request to each
// socket's receipt (p50/p99/max), the server process's CPU per 1,000 deliveries (/proc), and memory per connection: RSS (and, for the relay, JVM heap after a full GC)
// with C idle sockets open, minus before any. Our figure divided by the peer's closes the table.
//
// The peer's sockets are its own client (socket.io-client, websocket transport); the relay's are plain
// WebSockets with subscription tokens. Everything runs on this machine: functions, relay or peer, PostgreSQL,
// Redis and this load generator share its cores. The relay runs with -Xmx512m (--relay-heap): left to itself,
// G1 commits heap for garbage as sockets open, and RSS per connection would measure that, not the connections.
//
//   ./trainwatch bench fanout [--sockets 1000] [--jobs 10] [--rate 1000] [--seconds 20] [--target both|relay|peer]
//   (writes bench/results/fanout.json)
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { io as socketIo } from 'socket.io-client';
import WebSocket from 'ws';

const ROOT = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const options = { sockets: 1000, jobs: 10, rate: 1000, seconds: 20, target: 'both', 'relay-heap': '512m' };
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i].replace(/^--/, '');
  if (!(key in options)) throw new Error(`unknown option ${process.argv[i]}`);
  options[key] = key === 'target' || key === 'relay-heap' ? process.argv[i + 1] : Number(process.argv[i + 1]);
}
const PORTS = { functions: 28081, relay: 28080, peer: 28090 };
const ENV = {
  ...process.env,
  FUNCTIONS_PORT: String(PORTS.functions),
  RELAY_PORT: String(PORTS.relay),
  PEER_PORT: String(PORTS.peer),
  POSTGRES_DB: 'trainwatch_bench',
  TRAINWATCH_KEY_PREFIX: 'twbench',
  TRAINWATCH_SWEEP_SCHEDULED: 'false',
  TRAINWATCH_JOB_RATE: '100000000',
  TRAINWATCH_LOCAL_WORKDIR: ROOT,
  // The stand-in jobs (`sleep`) run on the local executor, as many as the benchmark starts.
  TRAINWATCH_EXECUTOR_LOCAL_ENABLED: 'true',
  TRAINWATCH_EXECUTOR_LOCAL_MAX_PROCESSES_PER_PROJECT: '100000',
};
const WORK = `${ROOT}/.run/bench/fanout`;
mkdirSync(WORK, { recursive: true });

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const token = (...args) => execFileSync(`${ROOT}/trainwatch`, ['token', ...args]).toString().trim();
const API = { Authorization: `Bearer ${token()}`, 'Content-Type': 'application/json' };

function start(name, command, args) {
  const log = openSync(`${WORK}/${name}.log`, 'w');
  return spawn(command, args, { cwd: ROOT, env: ENV, stdio: ['ignore', log, log] });
}

async function ready(url, child) {
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
}

async function stopProcess(child) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
/** CPU seconds a process has used so far (user + system, from /proc/PID/stat). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}
const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
function jvmHeapKiB(pid) {
  execFileSync('jcmd', [String(pid), 'GC.run']);
  return Number(/used (\d+)K/.exec(execFileSync('jcmd', [String(pid), 'GC.heap_info']).toString())[1]);
}

async function api(path, body) {
  const response = await fetch(`http://localhost:${PORTS.functions}/api/v1/training${path}`, {
    method: 'POST',
    headers: API,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Opens one socket of the target on `job`; resolves when it is connected. */
function openSocket(target, job, tokens, onEvent) {
  return new Promise((resolve, reject) => {
    if (target === 'relay') {
      const socket = new WebSocket(`ws://localhost:${PORTS.relay}/api/v1/ws/training?job_id=${job}&token=${tokens[job]}`);
      socket.on('message', (data) => {
        const text = data.toString();
        if (text.startsWith('{"type":"connected"')) resolve(socket);
        else onEvent(text);
      });
      socket.on('error', reject);
      socket.on('close', (code) => closes.set(code, (closes.get(code) ?? 0) + 1));
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
      socket.on('disconnect', (why) => closes.set(why, (closes.get(why) ?? 0) + 1));
    }
  });
}

const EVENT = /"job_id":(\d+).*?"step":(\d+)/;
/** Sockets the server closed during a measurement, by close code or reason. */
const closes = new Map();

async function measure(target, jobs) {
  const child =
    target === 'relay'
      ? start('relay', 'java', [`-Xmx${options['relay-heap']}`, '-jar', `${ROOT}/ws-relay/target/quarkus-app/quarkus-run.jar`])
      : start('peer', process.execPath, [`${ROOT}/bench/peers/socketio-relay.mjs`]);
  await ready(target === 'relay' ? `http://localhost:${PORTS.relay}/q/health/ready` : `http://localhost:${PORTS.peer}/ready`, child);
  await sleep(1000);
  const tokens = Object.fromEntries(jobs.map((job) => [job, target === 'relay' ? token('--job', String(job)) : '']));
  const heapBefore = target === 'relay' ? jvmHeapKiB(child.pid) : null;
  const rssBefore = rssKiB(child.pid);

  const sentAt = new Map();
  const latencies = [];
  let delivered = 0;
  // Points of the warm-up (steps below firstStep of their job) are neither counted nor timed.
  const firstStep = {};
  const onEvent = (text) => {
    const match = EVENT.exec(text);
    if (!match || !(Number(match[2]) >= firstStep[match[1]])) return;
    delivered++;
    const began = sentAt.get(`${match[1]}:${match[2]}`);
    if (began !== undefined) latencies.push(performance.now() - began);
  };
  const sockets = [];
  for (let i = 0; i < options.sockets; i += 200) {
    const chunk = [];
    for (let k = i; k < Math.min(options.sockets, i + 200); k++) chunk.push(openSocket(target, jobs[k % jobs.length], tokens, onEvent));
    sockets.push(...(await Promise.all(chunk)));
  }
  await sleep(2000);
  const idleRss = rssKiB(child.pid);
  const idleHeap = target === 'relay' ? jvmHeapKiB(child.pid) : null;

  // Publish: every 50 ms, one batch per job; batches never overlap more than 4 per job. First a 5 s warm-up
  // (the JVM compiles its hot paths; nothing counted), then `seconds` measured.
  const perBatch = Math.max(1, Math.round((options.rate * 0.05) / jobs.length));
  const step = Object.fromEntries(jobs.map((job) => [job, 0]));
  let published = 0;
  let inFlight = 0;
  let skipped = 0;
  let peakRss = idleRss;
  const warmUpEnds = performance.now() + 5000;
  let began = Infinity;
  let cpuAtStart = 0;
  while (performance.now() - began < options.seconds * 1000) {
    if (began === Infinity && performance.now() >= warmUpEnds) {
      while (inFlight > 0) await sleep(5);
      for (const job of jobs) firstStep[job] = step[job] + 1;
      published = 0;
      skipped = 0;
      cpuAtStart = cpuSeconds(child.pid);
      began = performance.now();
    }
    const counting = began !== Infinity;
    const tick = performance.now();
    for (const job of jobs) {
      if (inFlight >= 4 * jobs.length) {
        skipped += perBatch;
        continue;
      }
      const points = [];
      const now = performance.now();
      for (let p = 0; p < perBatch; p++) {
        const s = ++step[job];
        sentAt.set(`${job}:${s}`, now);
        points.push({ epoch: 1, step: s, metrics: { loss: 0.5, accuracy: 0.75 } });
      }
      inFlight++;
      api(`/jobs/${job}/metrics`, { points })
        .then(() => {
          if (counting) published += points.length;
        })
        .catch((error) => console.error(error.message))
        .finally(() => inFlight--);
    }
    peakRss = Math.max(peakRss, rssKiB(child.pid));
    await sleep(Math.max(0, 50 - (performance.now() - tick)));
  }
  const elapsed = (performance.now() - began) / 1000;
  while (inFlight > 0) await sleep(10);
  // The tail of the deliveries: until every expected one arrived, or none came for 2 s (at most 30 s).
  const expected = published * (options.sockets / jobs.length);
  for (let last = -1, quiet = 0, waited = 0; delivered < expected && quiet < 2000 && waited < 30_000; waited += 100) {
    quiet = delivered === last ? quiet + 100 : 0;
    last = delivered;
    await sleep(100);
  }
  const serverCpu = cpuSeconds(child.pid) - cpuAtStart;
  const perJob = options.sockets / jobs.length;
  latencies.sort((a, b) => a - b);
  const at = (share) => latencies[Math.min(latencies.length - 1, Math.floor(share * latencies.length))];
  const result = {
    target,
    sockets: options.sockets,
    jobs: jobs.length,
    seconds: Number(elapsed.toFixed(1)),
    points_published_per_second: Math.round(published / elapsed),
    points_not_published: skipped,
    deliveries_expected: Math.round(published * perJob),
    delivered,
    delivered_per_second: Math.round(delivered / elapsed),
    // The server's own CPU (the relay's JVM, or the peer's Node process) over the measured seconds and the tail.
    server_cpu_ms_per_1000_deliveries: Number(((serverCpu * 1000) / (delivered / 1000)).toFixed(2)),
    latency_ms: { p50: Number(at(0.5).toFixed(1)), p99: Number(at(0.99).toFixed(1)), max: Number(latencies.at(-1).toFixed(1)) },
    idle_kib_per_connection: { rss: Math.round((idleRss - rssBefore) / options.sockets), heap: idleHeap === null ? null : Math.round((idleHeap - heapBefore) / options.sockets) },
    peak_rss_mib: Math.round(peakRss / 1024),
    closed_by_server: Object.fromEntries(closes),
  };
  closes.clear();
  for (const socket of sockets) target === 'relay' ? socket.terminate() : socket.disconnect();
  await stopProcess(child);
  return result;
}

const functions = start('functions', 'java', ['-jar', `${ROOT}/functions/target/quarkus-app/quarkus-run.jar`]);
try {
  await ready(`http://localhost:${PORTS.functions}/q/health/ready`, functions);
  const submission = { model_name: 'fanout', framework: 'bench', dataset_path: 'none', num_epochs: 1, batch_size: 1, executor_type: 'local', command: ['sleep', '3600'] };
  const jobs = [];
  for (let j = 0; j < options.jobs; j++) jobs.push((await api('/jobs', submission)).job_id);
  const results = [];
  for (const target of options.target === 'both' ? ['relay', 'peer'] : [options.target]) {
    const result = await measure(target, jobs);
    results.push(result);
    console.log(JSON.stringify(result));
  }
  for (const job of jobs) await api(`/jobs/${job}/cancel`);
  console.log('\n| target | sockets | points/s published | deliveries/s | delivered / expected | server CPU per 1,000 deliveries | p50 | p99 | max | idle RSS per connection | idle heap per connection |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    console.log(`| ${r.target} | ${r.sockets} | ${r.points_published_per_second} | ${r.delivered_per_second} | ${r.delivered} / ${r.deliveries_expected} | ${r.server_cpu_ms_per_1000_deliveries} ms | ${r.latency_ms.p50} ms | ${r.latency_ms.p99} ms | ${r.latency_ms.max} ms | ${r.idle_kib_per_connection.rss} KiB | ${r.idle_kib_per_connection.heap ?? '-'} KiB |`);
  }
  const ours = results.find((r) => r.target === 'relay');
  const peer = results.find((r) => r.target === 'peer');
  const ratios = ours && peer ? {
    delivered_per_second: Number((ours.delivered_per_second / peer.delivered_per_second).toFixed(2)),
    p99_latency: Number((ours.latency_ms.p99 / peer.latency_ms.p99).toFixed(2)),
    idle_rss_per_connection: Number((ours.idle_kib_per_connection.rss / peer.idle_kib_per_connection.rss).toFixed(2)),
    server_cpu_per_delivery: Number((ours.server_cpu_ms_per_1000_deliveries / peer.server_cpu_ms_per_1000_deliveries).toFixed(2)),
  } : null;
  if (ratios) console.log(`\nrelay ÷ peer: throughput ${ratios.delivered_per_second}, p99 ${ratios.p99_latency}, idle RSS per connection ${ratios.idle_rss_per_connection}, server CPU per delivery ${ratios.server_cpu_per_delivery}`);
  mkdirSync(`${ROOT}/bench/results`, { recursive: true });
  writeFileSync(`${ROOT}/bench/results/fanout.json`, `${JSON.stringify({ machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}`, options, results, ratios }, null, 2)}\n`);
  console.log('written to bench/results/fanout.json');
} finally {
  await stopProcess(functions);
}
