// What the browser checks share: the system's addresses, the API with its token, Chromium, and checks that print
// one line each and count. Each check file ends with `finish()`, which prints "N passed, N failed" and exits.
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.BASE_URL ?? 'http://localhost:8080').replace(/\/$/, '');
export const API_URL = (process.env.API_URL ?? 'http://localhost:8081').replace(/\/$/, '');
// An API token for the system under test (./trainwatch test exports one; ./trainwatch token prints one).
export const API_TOKEN = process.env.TRAINWATCH_API_TOKEN;
export const OUT = fileURLToPath(new URL('../test-results/', import.meta.url));
export const PROJECT = fileURLToPath(new URL('../../', import.meta.url));

let passed = 0;
let failed = 0;

/** Runs one check; prints "ok" or "FAIL" with its name. Answers whether it passed. */
export async function check(name, fn) {
  try {
    const detail = await fn();
    passed++;
    console.log(`ok   ${name}${detail ? ` (${detail})` : ''}`);
    return true;
  } catch (error) {
    failed++;
    console.log(`FAIL ${name}: ${error?.message ?? error}`);
    return false;
  }
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it answers something truthy; throws `what` after `timeoutMs`. */
export async function waitFor(what, probe, timeoutMs = 30_000, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (${last.message})` : ''}`);
    await sleep(intervalMs);
  }
}

/** The functions' API (JSON in and out); retries while the connection is refused (the functions may be restarting). */
export async function api(path, init) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const response = await fetch(`${API_URL}/api/v1/training${path}`, {
        ...init,
        headers: { ...(init?.body ? { 'Content-Type': 'application/json' } : {}), ...init?.headers, Authorization: `Bearer ${API_TOKEN}` },
      });
      const body = await response.json();
      if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
      return body;
    } catch (error) {
      const refused = error?.cause?.code === 'ECONNREFUSED' || error?.cause?.code === 'ECONNRESET';
      if (!refused || Date.now() > deadline) throw error;
      await sleep(1000);
    }
  }
}

/** Headless Chromium as this machine runs it (Debian's, not a downloaded one). */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** The page coordinates of x value `x` on the chart of `metric` (from the x range the chart says it draws). */
export async function pointOf(page, metric, x) {
  const chart = page.locator(`[data-testid=metric-chart][data-metric="${metric}"]`);
  const { xMin, xMax } = await chart.locator('.chart').evaluate((el) => ({ xMin: Number(el.dataset.xMin), xMax: Number(el.dataset.xMax) }));
  const box = await chart.locator('.u-over').boundingBox();
  return { x: box.x + ((x - xMin) / (xMax - xMin)) * box.width, y: box.y + box.height / 2 };
}

/** Drags across `metric`'s chart from x `from` to x `to` (on its axis), as a person selecting a range does. */
export async function dragRange(page, metric, from, to) {
  const start = await pointOf(page, metric, from);
  const end = await pointOf(page, metric, to);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(end.x, end.y, { steps: 8 });
  await page.mouse.up();
}

/** Runs `main`, counts a crash as a failed check, prints the totals and exits (non-zero when a check failed). */
export function run(main) {
  main()
    .catch((error) => {
      failed++;
      console.log(`FAIL the run stopped: ${error?.stack ?? error}`);
    })
    .finally(() => {
      console.log(`${passed} passed, ${failed} failed`);
      // Exit now: a timer or socket left behind by a failed check must not keep the run (and CI) waiting.
      process.exit(failed > 0 ? 1 : 0);
    });
}
