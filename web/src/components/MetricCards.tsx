import { formatValue } from '../lib/format';
import type { MetricSeries } from '../lib/series';

const ARROWS = { 1: '↑', 0: '→', [-1]: '↓' } as const;

function trendClass(series: MetricSeries, trend: -1 | 0 | 1): string {
  if (trend === 0 || !series.direction) return 'trend-flat';
  return (trend < 0) === (series.direction === 'min') ? 'trend-good' : 'trend-bad';
}

export function MetricCards({ series }: { series: MetricSeries[] }) {
  if (series.length === 0) return null;
  return (
    <div className="metric-cards">
      {series.map((s) => {
        const trend = s.trend();
        return (
          <div className="card metric-card" key={s.name} data-testid="metric-card" data-metric={s.name}>
            <div className="metric-name">{s.name}</div>
            <div className="metric-latest">
              {formatValue(s.latest)}
              <span className={`trend ${trendClass(s, trend)}`} title="Trend over the last points">
                {ARROWS[trend]}
              </span>
            </div>
            <div className="metric-best muted">{s.direction ? `best ${formatValue(Number.isNaN(s.best) ? undefined : s.best)}` : `${s.length} points`}</div>
          </div>
        );
      })}
    </div>
  );
}
