// A queue of drawing work shared by every chart of a page, run over animation frames: as many tasks a frame as
// fit in a few milliseconds (at least one), the rest in the next frames. A control that changes four charts then
// costs four short frames rather than one long one. No React here.

const BUDGET_MS = 8;
const queue = new Set<() => void>();
let scheduled = false;

function run(): void {
  scheduled = false;
  const started = performance.now();
  for (const task of queue) {
    queue.delete(task);
    task();
    if (performance.now() - started > BUDGET_MS) break;
  }
  if (queue.size > 0) schedule();
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  if (typeof requestAnimationFrame === 'function' && !document.hidden) requestAnimationFrame(run);
  else setTimeout(run, 16);
}

/** Runs `task` in a coming frame, after the tasks queued before it; the answer takes it back if it has not run. */
export function inFrame(task: () => void): () => void {
  queue.add(task);
  schedule();
  return () => queue.delete(task);
}
