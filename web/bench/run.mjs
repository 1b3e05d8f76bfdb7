// Benchmark (not a test): how fast the job page shows a long history, how smoothly it draws while points
// stream in, how long a click on a chart takes to show the log lines of that moment, and the longest frame of each
// chart control. Needs a running Trainwatch (relay at BASE_URL serving web/dist, functions at API_URL), as
// ./trainwatch up starts it.
//
//   npm run bench            POINTS=100000 METRICS=4 RATE=100 SECONDS=10 to change the load (a log line a point)
//   JOB=N npm run bench      measure job N, a job an earlier run stored (its POINTS and METRICS), storing nothing
import { execFileSync } from 'node:child_process';
import { dragRange, launchChromium, pointOf } from '../e2e/harness.mjs';

const BASE_URL = (process.env.BASE_URL ?? 'http://localhost:8080').replace(/\/$/, '');
const API_URL = (process.env.API_URL ?? 'http://localhost:8081').replace(/\/$/, '');
const POINTS = Number(process.env.POINTS ?? 100_000);
const METRICS = Number(process.env.METRICS ?? 4);
const RATE = Number(process.env.RATE ?? 100); // live points per second
const SECONDS = Number(process.env.SECONDS ?? 10);
const BATCH = 10_000;
// An API token: TRAINWATCH_TOKEN, or a fresh one from ./trainwatch token. The page has its own (from /config.json).
const TOKEN =
  process.env.TRAINWATCH_TOKEN ?? execFileSync(new URL('../../trainwatch', import.meta.url).pathname, ['token']).toString().trim();
const NAMES = ['loss', 'accuracy', 'val_loss', 'lr', 'grad_norm', 'throughput'].slice(0, METRICS);

async function api(path, body) {
  const response = await fetch(`${API_URL}/api/v1/training${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { ...(body ? { 'Content-Type': 'application/json' } : {}), Authorization: `Bearer ${TOKEN}` },
    body: body ? JSON.stringify(body) : undefined,
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

// A point and a log line every 100 ms of the trainer's clock, ending now.
const T0 = Date.now() - POINTS * 100;
const at = (step) => new Date(T0 + step * 100).toISOString();
const point = (step) => ({
  epoch: Math.floor(step / 1000),
  step,
  timestamp: at(step),
  metrics: Object.fromEntries(NAMES.map((name, i) => [name, Math.exp(-step / 30_000) * (1 + i) + 0.05 * Math.sin(step / 7 + i)])),
});
const line = (step) => ({ message: `step ${step}: batch done`, level: step % 1000 === 0 ? 'WARNING' : 'INFO', timestamp: at(step) });

/** The longest gap between two animation frames while `action` runs and the page settles (ms). */
async function longestFrame(page, action) {
  await page.evaluate(() => {
    window.__longest = 0;
    let last = performance.now();
    const tick = (now) => {
      window.__longest = Math.max(window.__longest, now - last);
      last = now;
      window.__raf = requestAnimationFrame(tick);
    };
    window.__raf = requestAnimationFrame(tick);
  });
  await action();
  await page.waitForTimeout(600);
  return page.evaluate(() => {
    cancelAnimationFrame(window.__raf);
    return Math.round(window.__longest);
  });
}

async function main() {
  const rows = [];
  if (process.env.JOB) {
    await measure(Number(process.env.JOB), rows, false);
    return print(rows);
  }
  const job = await api('/jobs', {
    model_name: 'bench',
    framework: 'python',
    dataset_path: 'generated',
    num_epochs: Math.ceil((POINTS + RATE * SECONDS) / 1000) + 1,
    batch_size: 32,
    executor_type: 'local',
    command: ['sleep', '3600'],
  });
  const jobId = job.job_id;
  try {
    await measure(jobId, rows, true);
  } finally {
    await api(`/jobs/${jobId}/cancel`, {}).catch(() => {});
  }
  print(rows);
}

function print(rows) {
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`${'measure'.padEnd(width)}  value`);
  console.log(`${'-'.repeat(width)}  ${'-'.repeat(40)}`);
  for (const [key, value] of rows) console.log(`${key.padEnd(width)}  ${value}`);
}

/** Stores the job's history (unless `store` is false: a job an earlier run stored), then measures its page. */
async function measure(jobId, rows, store) {
  let started = performance.now();
  let batch = BATCH;
  let refused = null;
  for (let from = 0; store && from < POINTS; ) {
    const points = [];
    for (let step = from; step < Math.min(POINTS, from + batch); step++) points.push(point(step));
    try {
      await api(`/jobs/${jobId}/metrics`, { points });
      await api(`/jobs/${jobId}/logs`, { logs: points.map((p) => line(p.step)) });
      from += points.length;
    } catch (error) {
      // A functions build that refuses large bodies: note it and go on with smaller batches.
      if (batch <= 10 || !/malformed_json|payload_too_large/.test(error.message)) throw error;
      refused ??= `${batch.toLocaleString('en')}-point batches refused: ${error.message.slice(0, 80)}`;
      batch = Math.floor(batch / 2);
    }
  }
  rows.push(['job', `#${jobId}, ${POINTS.toLocaleString('en')} points × ${METRICS} metrics, ${POINTS.toLocaleString('en')} log lines`]);
  if (store) rows.push([`ingest (batches of ${batch.toLocaleString('en')} points, then their lines)`, `${Math.round(performance.now() - started)} ms`]);
  if (refused) rows.push(['ingest note', refused]);

  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const counts = () => page.$$eval('[data-testid=metric-chart]', (charts) => charts.map((c) => Number(c.dataset.pointCount)));
    /** Until every chart holds at least what `least` says of it (by index), as counts() lists them. */
    const grown = (least) =>
      page.waitForFunction(
        ({ least, m }) => {
          const charts = [...document.querySelectorAll('[data-testid=metric-chart]')];
          return charts.length === m && charts.every((c, i) => Number(c.dataset.pointCount) >= least[i]);
        },
        { least, m: METRICS },
        { timeout: 120_000, polling: 'raf' },
      );

    started = performance.now();
    await page.goto(`${BASE_URL}/training/${jobId}`);
    await page.waitForSelector('[data-testid=metric-chart] canvas', { timeout: 60_000 });
    const firstChart = performance.now() - started;
    await page.waitForSelector('[data-testid=job-page][data-history-loaded=true]', { timeout: 120_000 });
    await grown(new Array(METRICS).fill(1));
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const full = performance.now() - started;
    const history = await page.$eval('[data-testid=timeline]', (t) => t.dataset.history);
    rows.push(['job page opened first: first chart drawn', `${Math.round(firstChart)} ms`]);
    rows.push([`job page: history loaded, every chart and the newest log lines (read as ${history === 'overview' ? 'overviews' : 'points'}; markers follow)`, `${Math.round(full)} ms`]);
    rows.push(['points held per chart', (await counts()).map((n) => n.toLocaleString('en')).join(', ')]);
    // Opened again (the functions' code and PostgreSQL's plans warm, as for a page people keep open and reload).
    const again = [];
    for (let i = 0; i < 3; i++) {
      const opened = performance.now();
      await page.goto(`${BASE_URL}/training/${jobId}`);
      await page.waitForSelector('[data-testid=metric-chart] canvas', { timeout: 60_000 });
      again.push(performance.now() - opened);
    }
    again.sort((a, b) => a - b);
    rows.push(['job page opened again: first chart drawn (3 times)', `median ${Math.round(again[1])} ms, slowest ${Math.round(again[2])} ms`]);
    await page.waitForSelector('[data-testid=job-page][data-history-loaded=true]', { timeout: 120_000 });
    await grown(new Array(METRICS).fill(1));
    const heap = await page.evaluate(() => (performance.memory ? Math.round(performance.memory.usedJSHeapSize / 1e6) : null));
    if (heap) rows.push(['JS heap after load', `${heap} MB`]);

    // The timeline: a click on the loss chart until the lines of that moment are shown, highlighted.
    const clicks = [];
    await page.$eval('[data-testid=metric-chart]', (chart) => chart.scrollIntoView({ block: 'center' }));
    for (const fraction of [0.1, 0.3, 0.5, 0.7, 0.9]) {
      const spot = await pointOf(page, NAMES[0], Math.round(POINTS * fraction));
      const clicked = performance.now();
      await page.mouse.click(spot.x, spot.y);
      await page.waitForSelector('[data-testid=log-lines] [data-highlighted]', { timeout: 30_000 });
      clicks.push(performance.now() - clicked);
      await page.click('[data-testid=log-focus-clear]');
    }
    clicks.sort((a, b) => a - b);
    rows.push(['timeline: click to its log lines (5 clicks)', `median ${Math.round(clicks[2])} ms, slowest ${Math.round(clicks[4])} ms`]);

    // Each chart control, on every chart at once: the longest frame while it redraws.
    const controls = [
      ['no action (what the measure itself shows)', () => page.mouse.move(5, 5)],
      ['x axis: wall time', () => page.selectOption('[data-testid=x-axis]', 'wall')],
      ['x axis: time since start', () => page.selectOption('[data-testid=x-axis]', 'relative')],
      ['x axis: epoch', () => page.selectOption('[data-testid=x-axis]', 'epoch')],
      ['x axis: step', () => page.selectOption('[data-testid=x-axis]', 'step')],
      ['log scale on', () => page.check('[data-testid=log-y]')],
      ['log scale off', () => page.uncheck('[data-testid=log-y]')],
      ['smoothing 0.9', () => page.fill('[data-testid=smoothing]', '0.9')],
      ['smoothing 0', () => page.fill('[data-testid=smoothing]', '0')],
      ['zoom to a tenth (drag)', () => dragRange(page, NAMES[0], POINTS * 0.4, POINTS * 0.5)],
      ['zoom out (double-click)', () => page.dblclick('[data-testid=metric-chart] .u-over')],
    ];
    const controlFrames = [];
    for (const [name, action] of controls) controlFrames.push(`${name} ${await longestFrame(page, action)}`);
    rows.push([`longest frame per control (ms, ${METRICS} charts)`, controlFrames.join("; ")]);

    // A zoom into a hundredth: until every chart holds the range read again in 2,000 buckets (a history held as
    // overviews; every point of a 100,000-point job's hundredth, a tenth of a 1,000,000-point job's).
    if (history === 'overview') {
      const before = await counts();
      await page.$eval('[data-testid=metric-chart]', (chart) => chart.scrollIntoView({ block: 'center' }));
      const zoomed = performance.now();
      await dragRange(page, NAMES[0], POINTS * 0.6, POINTS * 0.61);
      await page.waitForFunction(
        (before) => [...document.querySelectorAll('[data-testid=metric-chart]')].every((c, i) => Number(c.dataset.pointCount) !== before[i]),
        before,
        { timeout: 30_000, polling: 'raf' },
      );
      rows.push(['zoom into a hundredth: drag until every chart draws that range read again (2,000 buckets)', `${Math.round(performance.now() - zoomed)} ms`]);
      await page.dblclick('[data-testid=metric-chart] .u-over');
    }
    await page.mouse.move(0, 0);

    // Live: RATE points/s in 10 requests a second, while the page counts its animation frames.
    await page.evaluate(() => {
      window.__frames = 0;
      window.__longest = 0;
      let last = performance.now();
      const tick = (now) => {
        window.__frames++;
        window.__longest = Math.max(window.__longest, now - last);
        last = now;
        window.__raf = requestAnimationFrame(tick);
      };
      window.__raf = requestAnimationFrame(tick);
    });
    const held = await counts();
    started = performance.now();
    // Live steps go on from the job's last one (a job measured again has had live points before).
    const { last_seq: lastSeq } = await api(`/jobs/${jobId}`);
    const { points: newest } = await api(`/jobs/${jobId}/metrics?since=${Math.max(0, lastSeq - 10)}`);
    const firstLive = Math.max(POINTS, ...newest.map((p) => p.step + 1));
    let step = firstLive;
    const perTick = Math.max(1, Math.round(RATE / 10));
    for (let i = 0; i < SECONDS * 10; i++) {
      const due = started + i * 100;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const points = [];
      for (let k = 0; k < perTick; k++) points.push(point(step++));
      await api(`/jobs/${jobId}/metrics`, { points });
    }
    const elapsed = (performance.now() - started) / 1000;
    const { frames, longest } = await page.evaluate(() => {
      cancelAnimationFrame(window.__raf);
      return { frames: window.__frames, longest: window.__longest };
    });
    const sent = step - firstLive;
    const arrived = await grown(held.map((n) => n + sent)).then(() => 'every one drawn', () => 'not all drawn within 120 s');
    rows.push([`live: ${RATE} points/s for ${SECONDS} s`, `${sent} points sent, ${arrived}`]);
    rows.push(['frame rate while streaming', `${(frames / elapsed).toFixed(1)} fps (${frames} frames in ${elapsed.toFixed(1)} s)`]);
    rows.push(['longest frame', `${Math.round(longest)} ms`]);
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
