// Dashboard: the live candle chart of the chosen pair with orders (price lines) and trades (markers),
// the portfolio value, the bot's profitability against the market, the realised profit per day and the
// paused / active state of entries, all updated from the websocket.
import { api, on, number } from '/static/js/live.js';
import { candleChart, lineChart, histogramChart, dayBars, tradeMarker, lineData } from '/static/js/charts.js';

const element = document.getElementById('price-chart');
const exchange = element.dataset.exchange;
const symbolSelect = document.getElementById('chart-symbol');
const timeFrameSelect = document.getElementById('chart-time-frame');
const price = candleChart(element);
const value = lineChart(document.getElementById('value-chart'), [{ color: '#2f80ed', title: 'value' }]);
const profit = lineChart(document.getElementById('profit-chart'), [{ color: '#2f80ed', title: 'bot %' }, { color: '#c98a0b', title: 'market %' }]);
const dailyElement = document.getElementById('daily-chart');
const daily = histogramChart(dailyElement, 'realised');
const entries = document.getElementById('entries-state');
const toggle = document.getElementById('entries-toggle');
let orderLines = [];
let trades = [];
let candleCount = 0;

function selected() { return { symbol: symbolSelect.value, timeFrame: timeFrameSelect.value }; }

function showLast(candle) {
  const when = new Date(candle[0]).toISOString().slice(0, 16).replace('T', ' ');
  document.getElementById('last-candle').textContent = `${when} close ${number(candle[4], 2)}`;
  element.dataset.candles = String(candleCount);
  element.dataset.lastTime = String(candle[0]);
  element.dataset.lastClose = String(candle[4]);
}

async function loadCandles() {
  const { symbol, timeFrame } = selected();
  const data = await api('GET', `/candles?exchange=${encodeURIComponent(exchange)}&symbol=${encodeURIComponent(symbol)}&time_frame=${encodeURIComponent(timeFrame)}`);
  price.series.setData(data.candles.map((c) => ({ time: Math.floor(c[0] / 1000), open: c[1], high: c[2], low: c[3], close: c[4] })));
  candleCount = data.candles.length;
  if (data.candles.length) showLast(data.candles[data.candles.length - 1]);
  else element.dataset.candles = '0';
}

async function loadOrders() {
  const { symbol } = selected();
  const data = await api('GET', '/orders');
  for (const line of orderLines) price.series.removePriceLine(line);
  orderLines = data.orders.filter((o) => o.symbol === symbol && o.price !== null).map((o) => price.series.createPriceLine({
    price: Number(o.price), color: o.side === 'buy' ? '#1e9e6a' : '#d64545', lineWidth: 1, lineStyle: 2, axisLabelVisible: true, title: `${o.side} ${Number(o.amount).toFixed(5)}`,
  }));
  element.dataset.orderLines = String(orderLines.length);
}

function drawTrades() {
  const { symbol } = selected();
  const shown = trades.filter((t) => t.symbol === symbol).map(tradeMarker).sort((a, b) => a.time - b.time);
  price.markers.setMarkers(shown);
  element.dataset.tradeMarkers = String(shown.length);
}

async function loadTrades() {
  const data = await api('GET', '/trades?page_size=1000');
  trades = data.trades;
  drawTrades();
}

async function loadValue() {
  const data = await api('GET', '/portfolio/history');
  const history = data.exchanges.find((e) => e.exchange === exchange) || data.exchanges[0];
  if (history) value.series[0].setData(lineData(history.points));
  document.getElementById('value-chart').dataset.points = String(history ? history.points.length : 0);
  value.chart.timeScale().fitContent();
}

async function loadDaily() {
  const data = await api('GET', `/profit/daily?days=${encodeURIComponent(dailyElement.dataset.days)}`);
  daily.series.setData(dayBars(data.days));
  daily.chart.timeScale().fitContent();
  const traded = data.days.filter((d) => d.trades > 0);
  // what the chart shows of the days with trades (day, realised PnL as the API gives it, trades)
  dailyElement.dataset.bars = JSON.stringify(traded.map((d) => [d.day, d.realised_pnl, d.trades]));
  const total = traded.reduce((sum, d) => sum + Number(d.realised_pnl), 0);
  const count = traded.reduce((sum, d) => sum + d.trades, 0);
  document.getElementById('daily-summary').textContent = `${count} trade(s) on ${traded.length} day(s), ${number(total, 2)} realised`;
}

// a burst of trades reads the figures once more after the read in flight, not once per trade
let dailyLoading = null;
let dailyStale = false;
function refreshDaily() {
  if (dailyLoading) { dailyStale = true; return dailyLoading; }
  // a failed read says so under the chart and leaves the rest of the dashboard alone
  dailyLoading = loadDaily().catch((error) => {
    document.getElementById('daily-summary').textContent = `daily profit: ${error.message}`;
  }).finally(() => {
    dailyLoading = null;
    if (dailyStale) { dailyStale = false; refreshDaily(); }
  });
  return dailyLoading;
}

function showEntries(paused) {
  entries.textContent = paused ? 'paused' : 'active';
  entries.dataset.paused = paused ? '1' : '0';
  toggle.textContent = paused ? 'Resume entries' : 'Pause entries';
}

// the button asks the bot through the API; every interface's pause or resume comes back as bot_state
toggle.addEventListener('click', async () => {
  const command = entries.dataset.paused === '1' ? 'resume' : 'pause';
  const message = document.getElementById('entries-message');
  toggle.disabled = true;
  try {
    await api('POST', `/commands/${command}`);
    showEntries(command === 'pause');
    message.textContent = '';
  } catch (error) {
    message.textContent = `${command}: ${error.message}`;
  } finally {
    toggle.disabled = false;
  }
});

const botPoints = [];
const marketPoints = [];
// the history the server kept (each closed candle since the interface started), then the live events
for (const event of JSON.parse(document.getElementById('profit-data').textContent)) {
  if (event.exchange !== exchange) continue;
  botPoints.push([event.time, event.profitability.profit_percent]);
  marketPoints.push([event.time, event.profitability.market_average_percent]);
}
drawProfit();

function drawProfit() {
  profit.series[0].setData(lineData(botPoints));
  profit.series[1].setData(lineData(marketPoints));
  profit.chart.timeScale().fitContent();
  document.getElementById('profit-chart').dataset.points = String(lineData(botPoints).length);
}

function showProfit(p, time) {
  document.getElementById('portfolio-value').textContent = `${number(p.current_value)} ${p.reference}`;
  document.getElementById('bot-profit').textContent = `${number(p.profit_percent)} %`;
  document.getElementById('market-profit').textContent = `${number(p.vs_market_percent)} pts`;
  botPoints.push([time, p.profit_percent]);
  marketPoints.push([time, p.market_average_percent]);
  profit.series[0].setData(lineData(botPoints));
  profit.series[1].setData(lineData(marketPoints));
  document.getElementById('profit-chart').dataset.points = String(lineData(botPoints).length);
  value.series[0].update({ time: Math.floor(time / 1000), value: Number(p.current_value) });
}

on('candle', (data) => {
  const { symbol, timeFrame } = selected();
  if (data.exchange !== exchange || data.symbol !== symbol || data.time_frame !== timeFrame) return;
  const c = data.candle;
  price.series.update({ time: Math.floor(c[0] / 1000), open: c[1], high: c[2], low: c[3], close: c[4] });
  if (data.closed) candleCount += 1;
  showLast(c);
});
on('order', () => { loadOrders(); });
on('trade', (data) => { trades.push(data.trade); drawTrades(); refreshDaily(); });
on('bot_state', (data) => { showEntries(data.paused); });
on('profitability', (data) => { if (data.exchange === exchange) showProfit(data.profitability, data.time); });

for (const select of [symbolSelect, timeFrameSelect]) select.addEventListener('change', () => { loadCandles(); loadOrders(); drawTrades(); });
await Promise.all([loadCandles(), loadOrders(), loadTrades(), loadValue(), refreshDaily()]);
element.dataset.ready = '1';
