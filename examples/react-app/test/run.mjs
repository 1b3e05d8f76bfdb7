// The example app's test: the Next.js app is built against the installed @trainwatch/react, served on its own
// origin, and opened in headless Chromium against a running Trainwatch (API_URL, WS_URL; TRAINWATCH_API_TOKEN for the API). The
// guide's <TrainingMonitorPanel jobId={N} /> must show the job's stored points, then new ones live, and its
// timeline must work inside the app without touching the app's address.
//
//   API_URL=http://localhost:8081 WS_URL=ws://localhost:8080 TRAINWATCH_API_TOKEN=... npm test
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
// The product's browser-check harness (checks, the API with its token, Chromium): this test is the product's,
// not part of the app it opens.
import { API_URL, api as request, assert, check, launchChromium, run } from '../../../web/e2e/harness.mjs';

const WS_URL = (process.env.WS_URL ?? 'ws://localhost:8080').replace(/\/$/, '');
const TOKEN = process.env.TRAINWATCH_API_TOKEN;
const PORT = Number(process.env.EXAMPLE_PORT ?? 18090);
const APP = `http://localhost:${PORT}`;
const HERE = fileURLToPath(new URL('..', import.meta.url));
const OUT = `${HERE}test-results/`;

const api = (path, body) => request(path, body ? { method: 'POST', body: JSON.stringify(body) } : undefined);
const points = (from, to) => Array.from({ length: to - from }, (_, i) => ({ epoch: 1, step: from + i, metrics: { loss: 1 / (1 + from + i) } }));
const lossPoints = (page) => page.$eval('[data-testid=metric-chart][data-metric=loss]', (c) => Number(c.dataset.pointCount)).catch(() => 0);

/** Serves the built app with `next start` (where Trainwatch is from the environment); resolves once it answers. */
async function serve() {
  // On loopback only: the page carries the token (see README).
  const server = spawn('npx', ['--no-install', 'next', 'start', '--hostname', '127.0.0.1', '--port', String(PORT)], {
    cwd: HERE,
    env: { ...process.env, TRAINWATCH_API_URL: API_URL, TRAINWATCH_WS_URL: WS_URL, TRAINWATCH_TOKEN: TOKEN, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: 'ignore',
    detached: true,
  });
  for (let i = 0; i < 150; i++) {
    if (await fetch(`${APP}/`).then((r) => r.ok, () => false)) return server;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the app did not answer on ${APP}`);
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const server = await serve();
  const browser = await launchChromium();
  const errors = [];
  try {
    const job = await api('/jobs', { model_name: 'example-app', framework: 'pytorch', dataset_path: 'generated', num_epochs: 1, batch_size: 8, executor_type: 'local', command: ['sleep', '300'] });
    await api(`/jobs/${job.job_id}/metrics`, { points: points(0, 50) });
    await api(`/jobs/${job.job_id}/logs`, { message: 'warming up', level: 'INFO' });
    const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) errors.push(`${response.status()} ${response.url()}`);
    });

    await check('the guide\'s page renders <TrainingMonitorPanel jobId={N} /> with the stored points, live', async () => {
      await page.goto(`${APP}/?job=${job.job_id}`);
      await page.waitForSelector(`[data-testid=training-monitor-panel][data-job-id="${job.job_id}"][data-connection=live]`, { timeout: 20_000 });
      await page.waitForFunction(() => Number(document.querySelector('[data-testid=metric-chart][data-metric=loss]')?.dataset.pointCount) === 50, null, { timeout: 10_000 });
      return `${await page.textContent('h1')}: 50 points`;
    });

    await check('new points and log lines reach the panel as they are reported', async () => {
      await api(`/jobs/${job.job_id}/metrics`, { points: points(50, 60) });
      await api(`/jobs/${job.job_id}/logs`, { message: 'WARNING the example saw this live', level: 'WARNING' });
      await page.waitForFunction(() => Number(document.querySelector('[data-testid=metric-chart][data-metric=loss]')?.dataset.pointCount) === 60, null, { timeout: 10_000 });
      await page.waitForSelector('text=the example saw this live', { timeout: 10_000 });
      return `${await lossPoints(page)} points`;
    });

    await check('the timeline works inside the app and leaves its address alone', async () => {
      const before = page.url();
      const over = await page.locator('[data-testid=metric-chart][data-metric=loss] .u-over').boundingBox();
      await page.mouse.click(over.x + over.width * 0.9, over.y + over.height / 2);
      await page.waitForSelector('[data-testid=log-focus]', { timeout: 10_000 });
      assert(page.url() === before, `the address became ${page.url()}`);
      await page.mouse.move(0, 0);
      await page.screenshot({ path: `${OUT}example-app.png`, fullPage: true });
    });

    await check('no script errors and no failed request', async () => assert(errors.length === 0, errors.join('; ')));
    await api(`/jobs/${job.job_id}/cancel`, {}).catch(() => {});
  } finally {
    await browser.close();
    process.kill(-server.pid);
  }
}

run(main);
