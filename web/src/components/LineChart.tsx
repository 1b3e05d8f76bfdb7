// A uPlot line chart over data that may be far larger than the chart is wide. It never hands uPlot the raw
// points: `compute(range, width)` returns a min/max downsample of what is visible, recomputed on zoom, on resize
// and (at most a few times a second) as live points arrive. Drag to zoom in on x; double-click to zoom out.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export type XRange = [min: number, max: number];

export interface LineChartProps {
  /** One label per line. */
  labels: string[];
  xLabel: string;
  compute: (range: XRange | null, width: number) => uPlot.AlignedData;
  /** Changes whenever the data changed. */
  version: number;
  height?: number;
  /** Minimum time between two redraws caused by new data. */
  throttleMs?: number;
}

export const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d'];

export function LineChart({ labels, xLabel, compute, version, height = 220, throttleMs = 250 }: LineChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const zoom = useRef<XRange | null>(null);
  const computeRef = useRef(compute);
  computeRef.current = compute;
  const redrawRef = useRef<() => void>(() => {});
  const lastDraw = useRef(0);
  const labelKey = labels.join('\u0000');

  useEffect(() => {
    const element = container.current!;
    const width = Math.max(200, element.clientWidth);
    const plotWidth = () => Math.max(50, Math.round(plot.current ? plot.current.bbox.width / devicePixelRatio : width));

    const redraw = () => {
      const u = plot.current;
      if (!u) return;
      lastDraw.current = performance.now();
      const range = zoom.current;
      u.setData(computeRef.current(range, plotWidth()), range === null);
      if (range) u.setScale('x', { min: range[0], max: range[1] });
    };
    redrawRef.current = redraw;

    const options: uPlot.Options = {
      width,
      height,
      scales: { x: { time: false } },
      legend: { live: true },
      cursor: {
        drag: { x: true, y: false, setScale: false },
        bind: { dblclick: () => null },
      },
      series: [
        { label: xLabel },
        ...labels.map((label, i) => ({ label, stroke: PALETTE[i % PALETTE.length], width: 1.5, points: { show: false } })),
      ],
      axes: [{ label: undefined }, { size: 64 }],
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width >= 3) {
              const min = u.posToVal(u.select.left, 'x');
              const max = u.posToVal(u.select.left + u.select.width, 'x');
              if (max > min) {
                zoom.current = [min, max];
                element.dataset.zoomed = 'true';
                redraw();
              }
            }
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          },
        ],
      },
    };
    const u = new uPlot(options, computeRef.current(null, width), element);
    plot.current = u;
    redraw(); // again, now that the plot area's width is known

    const onDoubleClick = () => {
      zoom.current = null;
      delete element.dataset.zoomed;
      redraw();
    };
    u.over.addEventListener('dblclick', onDoubleClick);
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
      u.destroy();
      plot.current = null;
    };
    // The plot is rebuilt when its lines change; data changes only redraw it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [labelKey, xLabel, height]);

  useEffect(() => {
    const wait = lastDraw.current + throttleMs - performance.now();
    if (wait <= 0) {
      const frame = requestAnimationFrame(() => redrawRef.current());
      return () => cancelAnimationFrame(frame);
    }
    const timer = setTimeout(() => redrawRef.current(), wait);
    return () => clearTimeout(timer);
  }, [version, throttleMs]);

  return <div className="chart" ref={container} />;
}
