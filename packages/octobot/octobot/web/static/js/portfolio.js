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
  // the amounts held, as the exchange reports them (their value follows at the next page load)
  on('portfolio', (data) => {
    const holdings = document.getElementById('holdings');
    const amount = (value) => Number(value).toLocaleString('en-US', { maximumFractionDigits: 8 });
    for (const [asset, balance] of Object.entries(data.balance)) {
      const row = holdings.querySelector(`tr[data-holding="${CSS.escape(`${data.exchange}|${asset}`)}"]`);
      if (!row) continue;
      row.querySelector('.total').textContent = amount(balance.total);
      row.querySelector('.available').textContent = amount(balance.available);
    }
    holdings.dataset.updated = String(data.time);
  });
}
