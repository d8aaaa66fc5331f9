// A data file's page: the candles of the chosen series on a chart (a look at the data before a backtest).
import { api } from '/static/js/live.js';
import { candleChart } from '/static/js/charts.js';

const holder = document.getElementById('series-chart');
const choice = document.getElementById('series-choice');

if (holder && choice.value) {
  const chart = candleChart(holder);
  async function draw() {
    const [symbol, timeFrame] = choice.value.split('|');
    holder.dataset.ready = '';
    const query = `symbol=${encodeURIComponent(symbol)}&time_frame=${encodeURIComponent(timeFrame)}`;
    const data = await api('GET', `/data/${encodeURIComponent(holder.dataset.name)}/candles?${query}`);
    chart.series.setData(data.candles.map((c) => ({ time: Math.floor(c[0] / 1000), open: c[1], high: c[2], low: c[3], close: c[4] })));
    chart.chart.timeScale().fitContent();
    holder.dataset.candles = String(data.candles.length);
    holder.dataset.series = `${data.symbol}|${data.time_frame}`;
    holder.dataset.ready = '1';
  }
  choice.addEventListener('change', draw);
  await draw();
}
