// Chart helpers over the vendored TradingView Lightweight Charts.
import { createChart, CandlestickSeries, HistogramSeries, LineSeries, createSeriesMarkers } from '/static/vendor/lightweight-charts.standalone.production.mjs';

const base = {
  layout: { background: { color: '#ffffff' }, textColor: '#1b2533', attributionLogo: true },
  grid: { vertLines: { color: '#eef2f7' }, horzLines: { color: '#eef2f7' } },
  timeScale: { timeVisible: true, secondsVisible: false, borderColor: '#e3e8f0' },
  rightPriceScale: { borderColor: '#e3e8f0' },
  autoSize: true,
};

export function candleChart(element) {
  const chart = createChart(element, base);
  const series = chart.addSeries(CandlestickSeries, { upColor: '#1e9e6a', downColor: '#d64545', borderVisible: false, wickUpColor: '#1e9e6a', wickDownColor: '#d64545' });
  const markers = createSeriesMarkers(series, []);
  return { chart, series, markers };
}

export function lineChart(element, lines) {
  const chart = createChart(element, base);
  const series = lines.map((line) => chart.addSeries(LineSeries, { color: line.color, lineWidth: 2, title: line.title }));
  return { chart, series };
}

export function histogramChart(element, title) {
  const chart = createChart(element, { ...base, timeScale: { ...base.timeScale, timeVisible: false } });
  const series = chart.addSeries(HistogramSeries, { title, priceLineVisible: false });
  return { chart, series };
}

// a bar per day: green for a gain, red for a loss (time in seconds: the day's UTC start)
export function dayBars(days) {
  return days.map((d) => {
    const value = Number(d.realised_pnl);
    return { time: Math.floor(d.start / 1000), value, color: value < 0 ? '#d64545' : '#1e9e6a' };
  });
}

export function tradeMarker(trade) {
  const buy = trade.side === 'buy';
  return {
    time: Math.floor(trade.time / 1000),
    position: buy ? 'belowBar' : 'aboveBar',
    color: buy ? '#1e9e6a' : '#d64545',
    shape: buy ? 'arrowUp' : 'arrowDown',
    text: `${trade.side} ${Number(trade.amount).toFixed(5)} @ ${Number(trade.price).toFixed(2)}`,
  };
}

// line data must be strictly increasing in time: keep the last value of each second
export function lineData(points) {
  const bySecond = new Map();
  for (const [ms, value] of points) bySecond.set(Math.floor(ms / 1000), Number(value));
  return [...bySecond.entries()].sort((a, b) => a[0] - b[0]).map(([time, value]) => ({ time, value }));
}
