// End to end: the job page's timeline in headless Chromium against a running Trainwatch (as run.mjs). A job with a
// loss spike at step 1,200, log lines every 10 steps, a WARNING written at the spike but sent last, and a vital
// sign is stored through the API; then each interaction of the timeline is checked as a person would use it.
//
//   BASE_URL=http://localhost:8080 API_URL=http://localhost:8081 node e2e/timeline.mjs
import { mkdirSync } from 'node:fs';
import { BASE_URL, OUT, api, assert, check, dragRange, launchChromium, pointOf, run, waitFor } from './harness.mjs';

const STEPS = 2000;
const SPIKE = 1200;
const T0 = Date.now() - 3 * 3600_000; // the history was measured over the last hours, a second a step
const at = (step) => new Date(T0 + step * 1000).toISOString();

/** Stores the job's history as a trainer sends it: 10 points, then the log lines of those steps, and so on. */
async function storeHistory(jobId) {
  for (let from = 0; from < STEPS; from += 10) {
    const points = [];
    const logs = [];
    for (let step = from; step < from + 10; step++) {
      const loss = step === SPIKE ? 25 : 2 / (1 + step / 200);
      points.push({ epoch: Math.floor(step / 500) + 1, step, timestamp: at(step), metrics: { loss, accuracy: 1 - loss / 4, 'system/gpu_util': 80 + (step % 7) } });
      if (step % 10 === 0) logs.push({ message: `step ${step}`, level: 'INFO', timestamp: at(step) });
    }
    await api(`/jobs/${jobId}/metrics`, { method: 'POST', body: JSON.stringify({ points }) });
    await api(`/jobs/${jobId}/logs`, { method: 'POST', body: JSON.stringify({ logs }) });
  }
  // The WARNING of the spike reaches the API last, long after it was written (a trainer that sends late): the
  // timeline finds it at its moment all the same.
  const late = { message: `loss spiked to 25 at step ${SPIKE}`, level: 'WARNING', timestamp: at(SPIKE) };
  await api(`/jobs/${jobId}/logs`, { method: 'POST', body: JSON.stringify({ logs: [late] }) });
}

const focusLines = (page) => page.$$eval('[data-testid=log-lines] .log-line', (lines) => lines.map((l) => ({ text: l.textContent, highlighted: l.dataset.highlighted === 'true' })));

async function main() {
  mkdirSync(OUT, { recursive: true });
  const job = await api('/jobs', {
    method: 'POST',
    body: JSON.stringify({ model_name: 'e2e-timeline', framework: 'pytorch', dataset_path: 'generated', num_epochs: 4, batch_size: 32, executor_type: 'local', command: ['sleep', '600'] }),
  });
  const jobId = job.job_id;
  const browser = await launchChromium();
  const pageErrors = [];
  try {
    await storeHistory(jobId);
    const page = await browser.newPage({ viewport: { width: 1400, height: 1400 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const open = async (query = '') => {
      await page.goto(`${BASE_URL}/training/${jobId}${query}`);
      await page.waitForSelector('[data-testid=job-page][data-history-loaded=true]', { timeout: 30_000 });
      await waitFor('every point', () => page.$eval('[data-testid=metric-chart][data-metric=loss]', (c) => Number(c.dataset.pointCount) === 2000), 15_000);
    };

    await check('the timeline shows the training charts, the vital signs apart, and the markers', async () => {
      await page.evaluate(() => localStorage.removeItem('trainwatch.chart-view')).catch(() => {});
      await open();
      const training = await page.$$eval('.charts:not(.vitals) [data-testid=metric-chart]', (cs) => cs.map((c) => c.dataset.metric));
      const vitals = await page.$$eval('[data-testid=vitals] [data-testid=metric-chart]', (cs) => cs.map((c) => c.dataset.metric));
      assert(JSON.stringify(training.sort()) === '["accuracy","loss"]', `training charts ${training}`);
      assert(JSON.stringify(vitals) === '["system/gpu_util"]', `vital signs ${vitals}`);
      // pending → running, and the WARNING line
      const markers = await waitFor('the markers', () => page.$eval('[data-testid=timeline]', (t) => Number(t.dataset.markers) >= 2 && t.dataset.markers), 10_000);
      return `${markers} markers`;
    });

    await check('one cursor: hovering the loss chart moves the cursor of every chart to the same step', async () => {
      const spot = await pointOf(page, 'loss', 800);
      await page.mouse.move(spot.x, spot.y);
      const cursors = await page.$$eval('[data-testid=metric-chart]', (charts) =>
        charts.map((c) => {
          const cursor = c.querySelector('.u-cursor-x');
          const over = c.querySelector('.u-over').getBoundingClientRect();
          const left = Number(/translate\(([-\d.]+)px/.exec(cursor?.style.transform ?? '')?.[1] ?? NaN);
          return { metric: c.dataset.metric, fraction: left / over.width, value: c.querySelectorAll('.u-legend .u-value')[1]?.textContent };
        }),
      );
      for (const c of cursors) {
        assert(Math.abs(c.fraction - cursors[0].fraction) < 0.01, `cursors at ${JSON.stringify(cursors)}`);
        assert(c.value && c.value !== '--', `${c.metric} reads ${c.value}`);
      }
      return cursors.map((c) => `${c.metric} ${c.value}`).join(', ');
    });

    let spikeAddress = '';
    await check('clicking the spike shows the log lines of that moment, the WARNING highlighted', async () => {
      const spot = await pointOf(page, 'loss', SPIKE);
      await page.mouse.click(spot.x, spot.y);
      await page.waitForSelector('[data-testid=log-focus]');
      const lines = await waitFor('the lines around it', async () => {
        const found = await focusLines(page);
        return found.length > 0 && found;
      });
      const highlighted = lines.filter((l) => l.highlighted).map((l) => l.text);
      assert(highlighted.some((t) => t.includes(`loss spiked to 25 at step ${SPIKE}`)), `highlighted: ${highlighted.join(' | ')}`);
      assert(highlighted.every((t) => /step 11[9]\d|step 12[0]\d|spiked/.test(t)), `highlighted beyond ±5 s: ${highlighted.join(' | ')}`);
      spikeAddress = new URL(page.url()).search;
      assert(/^\?at=\d+&t=\d+$/.test(spikeAddress), `the address ${page.url()} names no moment`);
      await page.mouse.move(0, 0);
      await page.screenshot({ path: `${OUT}timeline.png`, fullPage: true });
      return `${highlighted.length} of ${lines.length} lines highlighted; ${page.url().replace(BASE_URL, '')}`;
    });

    await check('the link to the moment reopens the page there', async () => {
      await page.goto('about:blank');
      await open(spikeAddress);
      await page.waitForSelector('[data-testid=log-lines] [data-highlighted=true]', { timeout: 10_000 });
      const highlighted = (await focusLines(page)).filter((l) => l.highlighted).map((l) => l.text);
      assert(highlighted.some((t) => t.includes('loss spiked')), `highlighted: ${highlighted.join(' | ')}`);
      return `${highlighted.length} lines highlighted`;
    });

    await check('dragging a range zooms every chart and shows only the log lines of that range', async () => {
      await dragRange(page, 'loss', 500, 700);
      await waitFor('every chart zoomed', () => page.$$eval('[data-testid=metric-chart] .chart', (cs) => cs.every((c) => c.dataset.zoomed === 'true')), 5_000);
      const steps = await waitFor('the range lines', async () => {
        const lines = await focusLines(page);
        const numbers = lines.map((l) => Number(/step (\d+)/.exec(l.text)?.[1])).filter(Number.isFinite);
        return numbers.length > 0 && numbers;
      });
      assert(steps[0] >= 500 && steps[0] <= 510 && steps.at(-1) >= 690 && steps.at(-1) <= 700, `lines of steps ${steps[0]} to ${steps.at(-1)}`);
      await page.click('[data-testid=log-focus-clear]');
      await waitFor('zoomed out', () => page.$$eval('[data-testid=metric-chart] .chart', (cs) => cs.every((c) => c.dataset.zoomed !== 'true')), 5_000);
      return `lines of steps ${steps[0]} to ${steps.at(-1)}`;
    });

    await check('the x axis switches to time since start, epoch and wall time, and is remembered', async () => {
      const range = () => page.$eval('[data-testid=metric-chart][data-metric=loss] .chart', (c) => [Number(c.dataset.xMin), Number(c.dataset.xMax)]);
      await page.selectOption('[data-testid=x-axis]', 'epoch');
      await waitFor('epochs', async () => (await range())[1] === 4, 5_000);
      await page.selectOption('[data-testid=x-axis]', 'wall');
      await waitFor('wall time', async () => Math.abs((await range())[0] - T0 / 1000) < 1, 5_000);
      await page.selectOption('[data-testid=x-axis]', 'relative');
      const [min, max] = await waitFor('seconds since start', async () => {
        const r = await range();
        return r[1] - r[0] > 1990 && r[1] - r[0] < 2010 && r;
      }, 5_000);
      await page.reload();
      await page.waitForSelector('[data-testid=timeline][data-axis=relative]', { timeout: 15_000 });
      return `relative: ${Math.round(min)} s to ${Math.round(max)} s`;
    });

    await check('log scale and smoothing redraw the charts (the raw line faint under the smoothed one)', async () => {
      await open();
      await page.check('[data-testid=log-y]');
      await page.waitForSelector('[data-testid=metric-chart][data-metric=loss] .chart[data-y-scale=log]');
      await page.$eval('[data-testid=smoothing]', (input) => {
        const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
        set.call(input, '0.9');
        input.dispatchEvent(new Event('input', { bubbles: true }));
      });
      const labels = await waitFor('the raw line', async () => {
        const found = await page.$$eval('[data-testid=metric-chart][data-metric=loss] .u-legend .u-label', (ls) => ls.map((l) => l.textContent));
        return found.includes('loss (raw)') && found;
      }, 5_000);
      await page.uncheck('[data-testid=log-y]');
      await page.$eval('[data-testid=smoothing]', (input) => {
        const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
        set.call(input, '0');
        input.dispatchEvent(new Event('input', { bubbles: true }));
      });
      await page.selectOption('[data-testid=x-axis]', 'step');
      return labels.join(', ');
    });

    await check('an alert that fires appears live as a badge and in the job\'s alerts, linked to its moment', async () => {
      await api(`/jobs/${jobId}/metrics`, { method: 'POST', body: JSON.stringify({ epoch: 5, step: STEPS, metrics: { loss: 'NaN' } }) });
      const badge = await page.waitForSelector('[data-testid=alert-badge]', { timeout: 15_000 });
      const text = await badge.textContent();
      await page.click('[data-testid=alert-item] button');
      await page.waitForSelector('[data-testid=log-focus]');
      return `badge "${text}"`;
    });

    await check('the jobs list shows the alert badge on the job\'s row', async () => {
      await page.goto(`${BASE_URL}/`);
      const row = page.locator(`[data-testid=job-row][data-job-id="${jobId}"]`);
      await row.locator('[data-testid=alert-badge]').waitFor({ timeout: 15_000 });
      return await row.locator('[data-testid=alert-badge]').textContent();
    });

    await check('a long job is drawn from its overview at once, its spike kept, and a zoomed range is read again point by point', async () => {
      const LONG = 25_000;
      const SPIKED = 17_345;
      const loss = (step) => (step % 1000) + (step === SPIKED ? 5000 : 0);
      const long = await api('/jobs', {
        method: 'POST',
        body: JSON.stringify({ model_name: 'e2e-long', framework: 'pytorch', dataset_path: 'generated', num_epochs: 1, batch_size: 32, executor_type: 'local', command: ['sleep', '600'] }),
      });
      try {
        for (let from = 0; from < LONG; from += 10_000) {
          const points = [];
          for (let step = from; step < Math.min(LONG, from + 10_000); step++) points.push({ epoch: 1, step, metrics: { loss: loss(step) } });
          await api(`/jobs/${long.job_id}/metrics`, { method: 'POST', body: JSON.stringify({ points }) });
        }
        await page.goto(`${BASE_URL}/training/${long.job_id}`);
        await page.waitForSelector('[data-testid=job-page][data-history-loaded=true]', { timeout: 30_000 });
        await page.waitForSelector('[data-testid=timeline][data-history=overview]', { timeout: 5_000 });
        const chart = '[data-testid=metric-chart][data-metric=loss]';
        const held = await page.$eval(chart, (c) => Number(c.dataset.pointCount));
        assert(held > 0 && held < LONG / 4, `${held} points held of ${LONG}`);
        const top = await waitFor('the spike drawn', () => page.$eval(`${chart} .chart`, (c) => Number(c.dataset.yMax) >= 5000 && Number(c.dataset.yMax)), 5_000);
        // Steps 12,000 to 12,400 or so: some 400 points, fewer than the buckets a zoom asks for: every one is read.
        await dragRange(page, 'loss', 12_000, 12_400);
        await waitFor('the range read again', async () => (await page.$eval(chart, (c) => Number(c.dataset.pointCount))) > held + 300, 10_000);
        const read = async (step) => {
          const spot = await pointOf(page, 'loss', step);
          await page.mouse.move(spot.x, spot.y);
          return page.$eval(chart, (c) => c.querySelectorAll('.u-legend .u-value')[1]?.textContent);
        };
        // The steps read are within the range the drag chose (a pixel of the whole job is some 20 steps).
        const [xMin, xMax] = await page.$eval(`${chart} .chart`, (c) => [Number(c.dataset.xMin), Number(c.dataset.xMax)]);
        const values = [];
        for (const step of [0.2, 0.5, 0.8].map((share) => Math.round(xMin + share * (xMax - xMin)))) {
          // The cursor goes to the point nearest the mouse, which a rounded pixel may put a step away; the
          // overview would read its bucket's extremes, up to 24 steps away.
          let shown = '';
          const near = (text) => Math.abs(Number(text) - loss(step)) <= 1;
          await waitFor(`step ${step} to read ${loss(step)}`, async () => near((shown = await read(step))), 5_000).catch((e) => {
            throw new Error(`${e.message}; it reads ${shown}`);
          });
          values.push(shown);
        }
        return `${held} points drawn of ${LONG}, y up to ${top}; zoomed: ${values.join(', ')} read`;
      } finally {
        await api(`/jobs/${long.job_id}/cancel`, { method: 'POST' }).catch(() => {});
      }
    });

    await check('no script errors', async () => assert(pageErrors.length === 0, pageErrors.join('; ')));
  } finally {
    await api(`/jobs/${jobId}/cancel`, { method: 'POST' }).catch(() => {});
    await browser.close();
  }
}

run(main);
