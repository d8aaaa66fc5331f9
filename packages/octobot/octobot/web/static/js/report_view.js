// A backtest's figures drawn inside the page: headline numbers, the equity curve and the trades.
import { lineChart, lineData } from '/static/js/charts.js';
import { escapeHtml, number } from '/static/js/live.js';

function signed(value) {
  const n = Number(value);
  return `<b class="${n >= 0 ? 'positive' : 'negative'}">${number(n)} %</b>`;
}

export function showReport(holder, figures) {
  const p = figures.profitability;
  const trades = figures.trades.slice(-200).reverse();
  holder.innerHTML = `
    <h2>Report: ${escapeHtml(figures.start)} &rarr; ${escapeHtml(figures.end)}</h2>
    <div class="figures" id="report-figures">
      <div>${signed(p.profitability_pct)}<span>bot profitability</span></div>
      <div>${p.market_average_pct === null ? '<b>-</b>' : signed(p.market_average_pct)}<span>market average</span></div>
      <div>${p.vs_market_pct === null ? '<b>-</b>' : signed(p.vs_market_pct)}<span>vs market (points)</span></div>
      <div><b>${number(p.end_value)} ${escapeHtml(figures.reference_market)}</b><span>end value (from ${number(p.start_value)})</span></div>
      <div><b>${figures.trade_count}</b><span>trades</span></div>
      <div><b>${number(figures.max_drawdown.pct)} %</b><span>max drawdown</span></div>
      <div><b>${figures.win_rate.win_rate_pct === null ? '-' : number(figures.win_rate.win_rate_pct) + ' %'}</b><span>win rate</span></div>
      <div><b>${figures.ratios.sharpe === null ? '-' : number(figures.ratios.sharpe)}</b><span>Sharpe</span></div>
    </div>
    <div class="chart small report-equity"></div>
    <h2>Trades${figures.trades.length > 200 ? ' (last 200)' : ''}</h2>
    <table class="report-trades"><thead><tr><th>Time</th><th>Symbol</th><th>Side</th><th class="num">Amount</th><th class="num">Price</th><th class="num">PnL</th></tr></thead><tbody>
    ${trades.map((t) => `<tr><td>${escapeHtml(t.time.slice(0, 16).replace('T', ' '))}</td><td>${escapeHtml(t.symbol)}</td><td class="side-${escapeHtml(t.side)}">${escapeHtml(t.side)}</td><td class="num">${number(t.amount, 6)}</td><td class="num">${number(t.price)}</td><td class="num">${t.realised_pnl === null ? '' : number(t.realised_pnl)}</td></tr>`).join('') || '<tr><td colspan="6" class="muted">No trade.</td></tr>'}
    </tbody></table>`;
  holder.hidden = false;
  const chart = lineChart(holder.querySelector('.report-equity'), [{ color: '#2f80ed', title: `value (${figures.reference_market})` }]);
  chart.series[0].setData(lineData(figures.equity));
  chart.chart.timeScale().fitContent();
  holder.dataset.ready = '1';
}
