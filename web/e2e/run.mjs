// End to end: the built UI in headless Chromium against a running Trainwatch (relay at BASE_URL serving web/dist,
// functions at API_URL). One line per check, then "N passed, N failed"; exits non-zero when a check failed.
//
//   BASE_URL=http://localhost:8080 API_URL=http://localhost:8081 npm run e2e
//   RELAY_RESTART_CMD='./trainwatch restart relay'  also restarts the relay mid-run (see restartRelay below).
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { API_TOKEN, API_URL, BASE_URL, OUT, PROJECT, api, assert, check, launchChromium, run, sleep, waitFor } from './harness.mjs';

/** Every stored point of a job, all pages. */
async function allPoints(jobId) {
  const points = [];
  for (let since = 0; ; ) {
    const page = await api(`/jobs/${jobId}/metrics?since=${since}&limit=10000`);
    points.push(...page.points);
    if (page.points.length < 10000) return points;
    since = page.next_since;
  }
}

/** Points per metric: each chart of the job page draws every stored point of its metric (per step and per epoch). */
function expectedCounts(points) {
  const counts = {};
  for (const point of points) for (const metric of Object.keys(point.metrics)) counts[metric] = (counts[metric] ?? 0) + 1;
  return counts;
}

/**
 * Hook for the lead's relay-restart scenario: runs RELAY_RESTART_CMD (a shell command that stops and starts the
 * relay, e.g. "./trainwatch restart relay") when it is set, and answers whether it ran.
 */
function restartRelay() {
  const command = process.env.RELAY_RESTART_CMD;
  if (!command) return false;
  execSync(command, { cwd: PROJECT, stdio: ['ignore', 'ignore', 'inherit'], timeout: 120_000 });
  return true;
}

/** A trainer for the form's command field (split on spaces): the demo when it reports metrics, else a stand-in. */
function trainerCommand() {
  const demo = `${PROJECT}examples/demo_train.py`;
  const source = existsSync(demo) ? readFileSync(demo, 'utf8') : '';
  if (source.includes('--steps-per-epoch') && source.includes('log_metrics')) {
    return `python3 examples/demo_train.py --epochs 3 --steps-per-epoch 10${source.includes('--step-delay') ? ' --step-delay 0.5' : ''}`;
  }
  // No spaces allowed: the program travels hex-encoded. It posts metrics itself, as the SDK would.
  const program = [
    'import json, os, time, urllib.request',
    "url = os.environ['TRAINWATCH_URL'] + '/api/v1/training/jobs/' + os.environ['TRAINWATCH_JOB_ID'] + '/metrics'",
    'for epoch in range(1, 4):',
    '    for i in range(10):',
    '        step = (epoch - 1) * 10 + i',
    '        loss = 1 / (1 + 0.2 * step)',
    "        body = json.dumps({'epoch': epoch, 'step': step, 'metrics': {'loss': loss, 'accuracy': 1 - loss}}).encode()",
    "        urllib.request.urlopen(urllib.request.Request(url, body, {'Content-Type': 'application/json'})).read()",
    '        time.sleep(0.5)',
    "    print(f'Epoch {epoch}/3 loss={loss:.4f}', flush=True)",
    "print('ERROR e2e: a highlighted line', flush=True)",
    "print('training finished', flush=True)",
  ].join('\n');
  return `python3 -c exec(bytes.fromhex('${Buffer.from(program).toString('hex')}').decode())`;
}

const chartCounts = (page) =>
  page.$$eval('[data-testid=metric-chart]', (charts) =>
    Object.fromEntries(charts.map((c) => [c.dataset.metric, Number(c.dataset.pointCount)])),
  );
const badge = (page) => page.$eval('[data-testid=status-badge]', (b) => b.dataset.status);

async function main() {
  mkdirSync(OUT, { recursive: true });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  let replays = 0; // GET /events: the page filling a gap or catching up after a (re)connection
  page.on('request', (request) => {
    if (/\/events\?/.test(request.url())) replays++;
  });
  const sessionId = 900_000 + Math.floor(Math.random() * 99_999);
  let jobId = null;

  try {
    if (!(await check('the functions answer', async () => `${(await api('/jobs?size=1')).total} jobs`))) return;

    const listShown = await check('the jobs list opens at /', async () => {
      await page.goto(`${BASE_URL}/`);
      await page.waitForSelector('[data-testid=jobs-table]', { timeout: 15_000 });
      await page.waitForSelector('[data-testid=connection]');
      return `${await page.locator('[data-testid=job-row]').count()} rows`;
    });
    if (!listShown) return;

    const command = trainerCommand();
    const submitted = await check('a local job submitted from the form opens its page', async () => {
      await page.fill('#job-model_name', 'e2e-demo');
      await page.fill('#job-num_epochs', '3');
      await page.selectOption('#job-executor_type', 'local');
      await page.fill('#job-session_id', String(sessionId));
      await page.fill('#job-command', command);
      await page.click('[data-testid=submit-form] button[type=submit]');
      await page.waitForURL(/\/training\/\d+$/, { timeout: 15_000 });
      jobId = Number(/\/training\/(\d+)$/.exec(page.url())[1]);
      await page.waitForSelector('[data-testid=job-page]');
      return `job ${jobId}: ${command.length > 70 ? `${command.slice(0, 70)}…` : command}`;
    });
    if (!submitted) return;

    // Statuses as the badge shows them, watched from here on (across the reload below).
    const statuses = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const status = await badge(page).catch(() => null);
        if (status && statuses.at(-1) !== status) statuses.push(status);
        await sleep(50);
      }
    })();

    await check('the status becomes running', async () => {
      await waitFor('running', async () => statuses.includes('running') || statuses.includes('completed'), 30_000);
    });

    let firstCount = 0;
    await check('the loss chart gains points live', async () => {
      firstCount = await waitFor('a first point', async () => (await chartCounts(page)).loss, 30_000);
      const later = await waitFor('more points', async () => {
        const n = (await chartCounts(page)).loss;
        return n > firstCount && n;
      }, 30_000);
      return `${firstCount} → ${later} points`;
    });

    await check('the log panel fills', async () => {
      const n = await waitFor('log lines', () => page.$eval('[data-testid=log-lines]', (el) => Number(el.dataset.count)), 30_000);
      return `${n} lines`;
    });

    await check('after a reload mid-run the curve is complete', async () => {
      const midRun = (await badge(page)) === 'running';
      const before = expectedCounts(await allPoints(jobId)).loss ?? 0;
      await page.reload();
      await page.waitForSelector('[data-testid=job-page][data-history-loaded=true]', { timeout: 30_000 });
      const after = await waitFor('the loss chart', async () => (await chartCounts(page)).loss, 10_000);
      assert(after >= before, `the chart has ${after} points, the API had ${before} before the reload`);
      return `${after} points after the reload, ${before} stored before it${midRun ? '' : '; the job had already ended'}`;
    });

    if (process.env.RELAY_RESTART_CMD) {
      await check('the relay restarts: reconnecting, then live again', async () => {
        const wasRunning = (await badge(page)) === 'running';
        const replaysBefore = replays;
        // The indicator's changes are recorded in the page itself: the restart command blocks this
        // script's event loop, and a poll from here could miss the whole outage.
        await page.evaluate(() => {
          const current = () => document.querySelector('[data-testid=connection]')?.dataset.state;
          window.__connectionStates = [current()];
          new MutationObserver(() => {
            const seen = window.__connectionStates;
            const now = current();
            if (now && seen.at(-1) !== now) seen.push(now);
          }).observe(document.body, { attributes: true, childList: true, subtree: true, attributeFilter: ['data-state'] });
        });
        restartRelay();
        let states = [];
        await waitFor('live again', async () => {
          states = await page.evaluate(() => window.__connectionStates);
          return states.length > 1 && states.at(-1) === 'live';
        }, 30_000);
        assert(states.some((s) => s === 'reconnecting' || s === 'offline'), `states seen: ${states.join(' → ')}`);
        await waitFor('the catch-up request', async () => replays > replaysBefore, 10_000);
        return `${states.join(' → ')}, caught up with GET /events${wasRunning ? '' : '; the job had already ended'}`;
      });
    }

    await check('the status becomes completed', () => waitFor('completed', async () => statuses.includes('completed'), 90_000).then(() => statuses.join(' → ')));
    watching = false;
    await watcher;
    await check('statuses came in order', async () => {
      const order = ['pending', 'running', 'completed'];
      const seen = statuses.filter((s) => order.includes(s));
      assert(seen.every((s, i) => i === 0 || order.indexOf(s) > order.indexOf(seen[i - 1])), statuses.join(' → '));
      assert(seen.includes('running') && seen.at(-1) === 'completed', statuses.join(' → '));
      return statuses.join(' → ');
    });

    await check('every chart holds exactly the stored points', async () => {
      const expected = expectedCounts(await allPoints(jobId));
      let shown = {};
      await waitFor('the charts to match the API', async () => {
        shown = await chartCounts(page);
        return JSON.stringify(Object.entries(shown).sort()) === JSON.stringify(Object.entries(expected).sort());
      }, 10_000).catch(() => {
        throw new Error(`charts ${JSON.stringify(shown)}, API ${JSON.stringify(expected)}`);
      });
      return Object.entries(expected).map(([name, n]) => `${name} ${n}`).join(', ');
    });

    await check('the log panel holds every stored line', async () => {
      const { logs } = await api(`/jobs/${jobId}/logs?limit=5000`);
      const n = await waitFor('all lines', async () => {
        const count = await page.$eval('[data-testid=log-lines]', (el) => Number(el.dataset.count));
        return count === logs.length && count;
      }, 10_000);
      return `${n} lines`;
    });

    await check('metric cards show the latest values', async () => {
      const cards = await page.locator('[data-testid=metric-card]').count();
      assert(cards > 0, 'no metric cards');
      return `${cards} cards`;
    });
    await page.mouse.move(0, 0);
    await page.screenshot({ path: `${OUT}job.png`, fullPage: true });

    await check('the list shows the job completed', async () => {
      await page.goto(`${BASE_URL}/`);
      const row = page.locator(`[data-testid=job-row][data-job-id="${jobId}"]`);
      await row.waitFor({ timeout: 15_000 });
      const status = await row.locator('[data-testid=status-badge]').getAttribute('data-status');
      assert(status === 'completed', `status ${status}`);
    });
    await page.waitForTimeout(1500); // the rows' latest points
    await page.screenshot({ path: `${OUT}list.png`, fullPage: true });

    await check('the session page lists the job and overlays its curve', async () => {
      await page.goto(`${BASE_URL}/sessions/${sessionId}`);
      await page.locator(`[data-testid=job-row][data-job-id="${jobId}"]`).waitFor({ timeout: 15_000 });
      const points = await waitFor('the overlay chart', () => page.$eval('[data-testid=overlay-chart]', (c) => Number(c.dataset.pointCount)), 15_000);
      return `${points} points of ${await page.$eval('[data-testid=overlay-chart]', (c) => c.dataset.metric)}`;
    });
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${OUT}session.png`, fullPage: true });

    await check('deleting the job from its page: confirm, notice, then the API answers 404', async () => {
      await page.goto(`${BASE_URL}/training/${jobId}`);
      await page.waitForSelector('[data-testid=job-page][data-history-loaded=true]', { timeout: 30_000 });
      let asked = '';
      page.once('dialog', (dialog) => {
        asked = dialog.message();
        void dialog.accept();
      });
      await page.click('[data-testid=delete-job]');
      const notice = await page.waitForSelector('[data-testid=job-deleted]', { timeout: 15_000 });
      assert(asked.includes(`#${jobId}`), `the confirmation asked "${asked}"`);
      const text = await notice.textContent();
      assert(text.includes('This job was deleted'), `the notice says "${text}"`);
      const replaysBefore = replays;
      const response = await fetch(`${API_URL}/api/v1/training/jobs/${jobId}`, { headers: { Authorization: `Bearer ${API_TOKEN}` } });
      assert(response.status === 404, `GET /jobs/${jobId} answered ${response.status}`);
      await sleep(3000); // a page that kept following the job would ask GET /events (404) again and again
      assert(replays === replaysBefore, `${replays - replaysBefore} GET /events after the delete`);
      return `GET /jobs/${jobId} → 404`;
    });

    await check('no script errors on any page', async () => {
      assert(pageErrors.length === 0, pageErrors.join('; '));
    });
  } finally {
    await browser.close();
  }
}

run(main);
