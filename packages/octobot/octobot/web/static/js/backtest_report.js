import { showReport } from '/static/js/report_view.js';

const data = document.getElementById('report-data');
if (data) showReport(document.getElementById('bt-report'), JSON.parse(data.textContent));
