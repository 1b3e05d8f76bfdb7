// A uPlot line chart over data that may be far larger than the chart is wide. It never hands uPlot the raw
// points: `compute(range, width)` returns a min/max downsample of what is visible, recomputed on zoom, on resize
// and (at most a few times a second) as live points arrive. Drag to zoom in on x; double-click to zoom out; a
// click picks the moment under the cursor (or the marker within a few pixels of it). Charts given one `syncKey`
// share their cursor: hovering one reads every one at that x.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatDuration, formatValue } from '../lib/format';
import { inFrame } from '../lib/frames';
import type { Marker, PlacedMarker, XAxis } from '../lib/timeline';

export type XRange = [min: number, max: number];

/** One drawn line: its legend label, colour, and whether it is the faint raw line under a smoothed one. */
export interface LineStyle {
  label: string;
  color: string;
  faint?: boolean;
}

export interface LineChartProps {
  lines: LineStyle[];
  xLabel: string;
  /** `wall`: x is seconds since 1970, labelled as dates; `relative`: seconds, labelled as durations. */
  axis?: XAxis;
  logY?: boolean;
  compute: (range: XRange | null, width: number) => uPlot.AlignedData;
  /** Changes whenever the data (or the markers) changed. */
  version: number | string;
  height?: number;
  /** Minimum time between two redraws caused by new data. */
  throttleMs?: number;
  /** Charts with the same key move one cursor. */
  syncKey?: string;
  /** The zoomed x range, when the caller holds it (with `onRange`); otherwise the chart keeps its own. */
  range?: XRange | null;
  onRange?: (range: XRange | null) => void;
  /** The markers to draw, read at every draw. */
  markers?: () => PlacedMarker[];
  /** A click: the x under the cursor, and the marker within a few pixels of it if there is one. */
  onPick?: (x: number, marker: Marker | null) => void;
}

export const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d'];

/** Marker colours by kind and severity (the legend under the charts names them). */
export const MARKER_COLORS: Record<Marker['kind'], Record<Marker['severity'], string>> = {
  status: { info: '#4b5563', warning: '#d97706', error: '#dc2626' },
  alert: { info: '#16a34a', warning: '#d97706', error: '#dc2626' },
  pod: { info: '#7c3aed', warning: '#c026d3', error: '#c026d3' },
  log: { info: '#9ca3af', warning: '#d97706', error: '#dc2626' },
  moment: { info: '#111827', warning: '#111827', error: '#111827' },
};

const KINDS: Marker['kind'][] = ['status', 'alert', 'pod', 'log', 'moment'];
const SEVERITIES: Marker['severity'][] = ['info', 'warning', 'error'];

/** How close (CSS pixels) a click must be to a marker to pick it. */
const PICK_PIXELS = 5;

function drawMarkers(u: uPlot, placed: PlacedMarker[]): void {
  const { left, top, width, height } = u.bbox;
  const ctx = u.ctx;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  const tick = 8 * devicePixelRatio;
  // One mark per pixel column and look: thousands of alerts on a long job draw as fast as a few. A look is a bit
  // (kind, severity) of its column's word.
  const drawn = new Uint16Array(Math.ceil(left + width) + 2);
  for (const { x, marker } of placed) {
    const px = Math.round(u.valToPos(x, 'x', true));
    if (px < left || px > left + width) continue;
    const look = 1 << (KINDS.indexOf(marker.kind) * 3 + SEVERITIES.indexOf(marker.severity));
    if (drawn[px] & look) continue;
    drawn[px] |= look;
    ctx.strokeStyle = MARKER_COLORS[marker.kind][marker.severity];
    ctx.lineWidth = marker.kind === 'log' ? 1 : 1.5 * devicePixelRatio;
    ctx.setLineDash(marker.kind === 'status' ? [4 * devicePixelRatio, 3 * devicePixelRatio] : []);
    ctx.beginPath();
    // Log lines are ticks along the bottom; the rest cross the whole chart.
    ctx.moveTo(px, marker.kind === 'log' ? top + height - tick : top);
    ctx.lineTo(px, top + height);
    ctx.stroke();
  }
  ctx.restore();
}

export function LineChart({
  lines,
  xLabel,
  axis = 'step',
  logY = false,
  compute,
  version,
  height = 220,
  throttleMs = 250,
  syncKey,
  range,
  onRange,
  markers,
  onPick,
}: LineChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const zoom = useRef<XRange | null>(range ?? null);
  const latest = useRef({ compute, onRange, markers, onPick });
  latest.current = { compute, onRange, markers, onPick };
  const redrawRef = useRef<() => void>(() => {});
  const lastDraw = useRef(0);
  const lineKey = lines.map((l) => `${l.label}\u0001${l.color}\u0001${l.faint ?? false}`).join('\u0000');

  useEffect(() => {
    const element = container.current!;
    let teardown: (() => void) | undefined;
    // Built in a frame of its own (lib/frames.ts): switching the axis of every chart is one short frame each.
    const cancel = inFrame(() => {
      teardown = build(element);
    });
    return () => {
      cancel();
      teardown?.();
    };
    // The plot is rebuilt when its lines or scales change; data changes only redraw it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lineKey, xLabel, height, axis, logY, syncKey]);

  function build(element: HTMLDivElement): () => void {
    const width = Math.max(200, element.clientWidth);
    const plotWidth = () => Math.max(50, Math.round(plot.current ? plot.current.bbox.width / devicePixelRatio : width));

    const redraw = () => {
      const u = plot.current;
      if (!u) return;
      lastDraw.current = performance.now();
      const shown = zoom.current;
      u.setData(latest.current.compute(shown, plotWidth()), shown === null);
      if (shown) u.setScale('x', { min: shown[0], max: shown[1] });
      if (shown) element.dataset.zoomed = 'true';
      else delete element.dataset.zoomed;
    };
    redrawRef.current = redraw;

    const setZoom = (next: XRange | null) => {
      if (latest.current.onRange) {
        latest.current.onRange(next); // the caller's range comes back through `range`
      } else {
        zoom.current = next;
        redraw();
      }
    };

    let dragged = false;
    const options: uPlot.Options = {
      width,
      height,
      scales: { x: { time: axis === 'wall' }, y: logY ? { distr: 3 } : {} },
      legend: { live: true },
      cursor: {
        drag: { x: true, y: false, setScale: false },
        bind: { dblclick: () => null },
        ...(syncKey ? { sync: { key: syncKey } } : {}),
      },
      series: [
        { label: xLabel },
        ...lines.map(({ label, color, faint }) => ({
          label,
          stroke: faint ? `${color}55` : color,
          width: faint ? 1 : 1.5,
          points: { show: false },
        })),
      ],
      axes: [
        axis === 'relative' ? { values: (_u: uPlot, splits: number[]) => splits.map((s) => formatDuration(s * 1000)) } : {},
        // A log scale's small ticks in the app's notation (uPlot's own would print 1e-4 as 0).
        logY ? { size: 64, values: (_u: uPlot, splits: number[]) => splits.map((v) => formatValue(v)) } : { size: 64 },
      ],
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width >= 3) {
              dragged = true;
              const min = u.posToVal(u.select.left, 'x');
              const max = u.posToVal(u.select.left + u.select.width, 'x');
              if (max > min) setZoom([min, max]);
            }
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          },
        ],
        draw: [(u) => drawMarkers(u, latest.current.markers?.() ?? [])],
        // The drawn x range, for whoever needs to point at an x (the browser tests and the benchmark), and the
        // y range's top, for whoever checks that a spike is drawn.
        setScale: [
          (u, key) => {
            if (key === 'y') element.dataset.yMax = String(u.scales.y.max);
            if (key !== 'x') return;
            element.dataset.xMin = String(u.scales.x.min);
            element.dataset.xMax = String(u.scales.x.max);
          },
        ],
      },
    };
    const u = new uPlot(options, latest.current.compute(zoom.current, width), element);
    plot.current = u;
    redraw(); // again, now that the plot area's width is known

    const onDoubleClick = () => setZoom(null);
    const onClick = (event: MouseEvent) => {
      if (event.detail > 1) return; // the second click of a double-click: that zooms out, it picks nothing
      if (dragged) {
        dragged = false;
        return;
      }
      const pick = latest.current.onPick;
      const left = u.cursor.left;
      if (!pick || left === undefined || left < 0) return;
      let nearest: PlacedMarker | null = null;
      let distance = PICK_PIXELS + 1;
      for (const placed of latest.current.markers?.() ?? []) {
        const d = Math.abs(u.valToPos(placed.x, 'x') - left);
        if (d < distance) [nearest, distance] = [placed, d];
      }
      pick(nearest ? nearest.x : u.posToVal(left, 'x'), nearest?.marker ?? null);
    };
    u.over.addEventListener('dblclick', onDoubleClick);
    u.over.addEventListener('click', onClick);
    const resize = new ResizeObserver(() => {
      const w = Math.max(200, element.clientWidth);
      if (w !== u.width) {
        u.setSize({ width: w, height });
        redraw();
      }
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      u.over.removeEventListener('dblclick', onDoubleClick);
      u.over.removeEventListener('click', onClick);
      u.destroy();
      plot.current = null;
    };
  }

  // A zoom held by the caller: every chart of a timeline shows the same range.
  useEffect(() => {
    if (range === undefined) return;
    zoom.current = range;
    return inFrame(() => redrawRef.current());
  }, [range]);

  useEffect(() => {
    const wait = lastDraw.current + throttleMs - performance.now();
    if (wait <= 0) return inFrame(() => redrawRef.current());
    let cancel = () => {};
    const timer = setTimeout(() => (cancel = inFrame(() => redrawRef.current())), wait);
    return () => {
      clearTimeout(timer);
      cancel();
    };
  }, [version, throttleMs, compute]);

  return <div className="chart" ref={container} data-y-scale={logY ? 'log' : 'linear'} />;
}
