import { lineChart, lineData } from '/static/js/charts.js';
import { on } from '/static/js/live.js';

const holder = document.getElementById('history-chart');
if (holder) {
  const histories = JSON.parse(document.getElementById('history-data').textContent);
  const colors = ['#2f80ed', '#1e9e6a', '#c98a0b', '#8e44ad'];
  const chart = lineChart(holder, histories.map((h, i) => ({ color: colors[i % colors.length], title: `${h.exchange} (${h.reference_market})` })));
  histories.forEach((h, i) => chart.series[i].setData(lineData(h.points)));
  chart.chart.timeScale().fitContent();
  on('profitability', (data) => {
    const index = histories.findIndex((h) => h.exchange === data.exchange);
    if (index >= 0) chart.series[index].update({ time: Math.floor(data.time / 1000), value: Number(data.profitability.current_value) });
  });
  on('portfolio', (data) => {
    const holdings = document.getElementById('holdings');
    if (holdings) holdings.dataset.updated = String(data.time);
  });
}
