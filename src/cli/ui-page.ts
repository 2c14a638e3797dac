/**
 * The dashboard page `ui-server.ts` serves: one self-contained HTML document (no build step, no
 * framework) that loads uPlot from the same server, reads `/api/state` and follows
 * `/api/events`. Charts follow Spark UI's Structured Streaming tab; elements carry `data-testid`
 * attributes for the browser test.
 */
/** Batches kept per query for the charts (Spark UI keeps `spark.sql.streaming.numRecentProgressUpdates`, 100). */
export const RECENT_BATCHES = 100;

export const UI_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>sluice · streaming queries</title>
<link rel="stylesheet" href="/assets/uplot.css">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2733; background: #f6f7f9; }
  header { background: #16324f; color: #fff; padding: 10px 18px; display: flex; gap: 16px; align-items: baseline; }
  header h1 { font-size: 17px; margin: 0; }
  header .conn { font-size: 12px; opacity: .8; }
  main { display: grid; grid-template-columns: 260px 1fr; min-height: calc(100vh - 44px); }
  nav { border-right: 1px solid #d9dee5; background: #fff; }
  nav button { display: block; width: 100%; text-align: left; border: 0; border-bottom: 1px solid #eef0f3; background: none; padding: 10px 14px; cursor: pointer; font: inherit; }
  nav button.sel { background: #e8f0fb; }
  nav .st { font-size: 12px; color: #5b6b7c; }
  section { padding: 14px 18px; overflow: auto; }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 14px; }
  .card { background: #fff; border: 1px solid #d9dee5; border-radius: 6px; padding: 10px; }
  .card h3 { margin: 0 0 6px; font-size: 13px; color: #3a4a5c; }
  .empty { color: #8a97a6; font-style: italic; padding: 40px 0; text-align: center; }
  table { border-collapse: collapse; width: 100%; font-size: 12px; }
  th, td { border-bottom: 1px solid #eef0f3; padding: 4px 6px; text-align: right; vertical-align: top; }
  th:first-child, td:first-child, td.l { text-align: left; }
  pre { background: #f3f5f8; padding: 8px; overflow: auto; font-size: 12px; margin: 4px 0; }
  details summary { cursor: pointer; }
  .kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; font-size: 12px; }
</style>
</head>
<body>
<header><h1>sluice · streaming queries</h1><span class="conn" data-testid="connection">connecting…</span></header>
<main>
  <nav data-testid="queries"></nav>
  <section id="detail"><div class="empty">No query has started yet.</div></section>
</main>
<script src="/assets/uplot.js"></script>
<script>
"use strict";
const queries = new Map(); // id -> state (with progress array)
let selected = null;
let charts = [];

const fmt = (n) => n >= 1e6 ? (n / 1e6).toFixed(2) + "M" : n >= 1e4 ? (n / 1e3).toFixed(0) + "k" : n >= 1e3 ? (n / 1e3).toFixed(1) + "k" : String(Math.round(n * 10) / 10);
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const label = (q) => q.name || ("query " + q.id.slice(0, 8));
const stateRows = (p) => p.stateOperators.reduce((n, s) => n + s.numRowsTotal, 0);
const PHASES = ["addBatch", "queryPlanning", "walCommit", "commitOffsets", "latestOffset", "triggerExecution"];

function renderNav() {
  const nav = document.querySelector("nav");
  nav.innerHTML = "";
  for (const q of queries.values()) {
    const b = document.createElement("button");
    b.dataset.testid = "query-" + q.id;
    b.className = q.id === selected ? "sel" : "";
    const last = q.progress[q.progress.length - 1];
    b.innerHTML = "<div>" + esc(label(q)) + "</div><div class=st>" + (q.active ? "running" : q.exception ? "failed" : "stopped") +
      " · " + q.progress.length + " batches" + (last ? " · batch " + last.batchId : "") + "</div>";
    b.onclick = () => { selected = q.id; renderNav(); renderDetail(); };
    nav.appendChild(b);
  }
}

function seriesData(q) {
  const ps = q.progress;
  const x = ps.map((p) => Date.parse(p.timestamp) / 1000);
  return {
    rates: [x, ps.map((p) => p.inputRowsPerSecond), ps.map((p) => p.processedRowsPerSecond)],
    rows: [x, ps.map((p) => p.numInputRows)],
    duration: [x, ...PHASES.map((k) => ps.map((p) => p.durationMs[k] ?? null))],
    state: [x, ps.map((p) => p.stateOperators.length ? stateRows(p) : null)],
    // Before the first event time is seen the watermark is the epoch (0): not a point to plot.
    watermark: [x, ps.map((p) => { const w = p.eventTime && p.eventTime.watermark ? Date.parse(p.eventTime.watermark) : 0; return w > 0 ? w / 1000 : null; })],
  };
}

const COLORS = ["#2f6fb3", "#d9822b", "#3d9970", "#b33f62", "#7a5cb8", "#555"];
function chart(el, title, key, names, yfmt, ysize) {
  const width = Math.max(380, el.clientWidth - 20);
  const opts = {
    title, width, height: 200,
    scales: { x: { time: true } },
    series: [{}, ...names.map((n, i) => ({ label: n, stroke: COLORS[i % COLORS.length], width: 1.5, points: { size: 4 } }))],
    axes: [{}, { values: (u, vals) => vals.map(yfmt), size: ysize || 60 }],
  };
  const u = new uPlot(opts, [[]], el);
  u.sluiceKey = key;
  el.dataset.testid = "chart-" + key;
  return u;
}

function renderDetail() {
  for (const c of charts) c.destroy();
  charts = [];
  const d = document.getElementById("detail");
  const q = queries.get(selected);
  if (!q) { d.innerHTML = '<div class="empty">No query has started yet.</div>'; return; }
  const last = q.progress[q.progress.length - 1];
  d.innerHTML =
    '<h2 data-testid="title">' + esc(label(q)) + '</h2>' +
    '<div class="kv card"><b>id</b><span>' + esc(q.id) + '</span><b>run id</b><span>' + esc(q.runId) + '</span><b>trigger</b><span>' + esc(q.trigger) +
    '</span><b>status</b><span data-testid="status">' + (q.active ? "running" : q.exception ? "failed: " + esc(q.exception) : "stopped") + '</span>' +
    '<b>sources</b><span data-testid="sources">' + (last ? last.sources.map((s) => esc(s.description)).join("<br>") : "–") + '</span>' +
    '<b>sink</b><span data-testid="sink">' + (last ? esc(last.sink.description) : "–") + '</span></div>' +
    '<div class="grid" style="margin-top:14px">' +
    '<div class="card" id="c-rates"></div><div class="card" id="c-rows"></div><div class="card" id="c-duration"></div>' +
    '<div class="card" id="c-state"></div><div class="card" id="c-watermark"></div>' +
    '<div class="card"><h3>Plan</h3><pre data-testid="plan">' + esc(q.plan) + '</pre></div></div>' +
    '<div class="card" style="margin-top:14px"><h3>Recent batches</h3><table data-testid="batches"><thead><tr><th>batch</th><th>time</th><th>input rows</th><th>input rows/s</th><th>processed rows/s</th><th>duration</th><th>state rows</th><th>progress</th></tr></thead><tbody></tbody></table></div>';
  const tf = (v) => v == null ? "" : new Date(v * 1000).toISOString().slice(0, 19).replace("T", " ");
  charts = [
    chart(document.getElementById("c-rates"), "Input and process rate (rows/s)", "rates", ["input", "processed"], fmt),
    chart(document.getElementById("c-rows"), "Input rows", "rows", ["rows"], fmt),
    chart(document.getElementById("c-duration"), "Batch duration (ms)", "duration", PHASES, fmt),
    chart(document.getElementById("c-state"), "State rows", "state", ["rows"], fmt),
    chart(document.getElementById("c-watermark"), "Watermark (UTC)", "watermark", ["watermark"], tf, 150),
  ];
  updateDetail();
}

function updateDetail() {
  const q = queries.get(selected);
  if (!q) return;
  const data = seriesData(q);
  for (const c of charts) c.setData(data[c.sluiceKey]);
  const tbody = document.querySelector('[data-testid="batches"] tbody');
  if (!tbody) return;
  tbody.innerHTML = q.progress.slice().reverse().map((p) =>
    '<tr data-testid="batch-row"><td>' + p.batchId + '</td><td>' + esc(p.timestamp.slice(11, 23)) + '</td><td>' + fmt(p.numInputRows) + '</td><td>' + fmt(p.inputRowsPerSecond) +
    '</td><td>' + fmt(p.processedRowsPerSecond) + '</td><td>' + (p.durationMs.triggerExecution ?? "") + ' ms</td><td>' + (p.stateOperators.length ? fmt(stateRows(p)) : "–") +
    '</td><td class="l"><details><summary>JSON</summary><pre>' + esc(JSON.stringify(p, null, 2)) + '</pre></details></td></tr>').join("");
  const status = document.querySelector('[data-testid="status"]');
  if (status) status.textContent = q.active ? "running" : q.exception ? "failed: " + q.exception : "stopped";
}

function upsert(q) {
  const had = queries.get(q.id);
  queries.set(q.id, { ...q, progress: had && had.progress.length > q.progress.length ? had.progress : q.progress });
  if (selected === null) selected = q.id;
}

async function start() {
  const r = await fetch("/api/state");
  const s = await r.json();
  for (const q of s.queries) upsert(q);
  renderNav();
  renderDetail();
  const es = new EventSource("/api/events");
  const conn = document.querySelector('[data-testid="connection"]');
  es.onopen = () => { conn.textContent = "live"; };
  es.onerror = () => { conn.textContent = "reconnecting…"; };
  es.addEventListener("query", (e) => {
    const q = JSON.parse(e.data);
    const first = selected === null;
    upsert(q);
    renderNav();
    if (first || q.id === selected) renderDetail();
  });
  es.addEventListener("progress", (e) => {
    const p = JSON.parse(e.data);
    let q = queries.get(p.id);
    if (!q) { upsert({ id: p.id, runId: p.runId, name: p.name, trigger: "", active: true, exception: null, plan: "", progress: [] }); q = queries.get(p.id); }
    if (!q.progress.some((x) => x.batchId === p.batchId && x.timestamp === p.timestamp)) q.progress.push(p);
    if (q.progress.length > ${RECENT_BATCHES}) q.progress.shift();
    renderNav();
    if (p.id === selected) {
      if (charts.length === 0) renderDetail(); else updateDetail();
    }
  });
}
start();
</script>
</body>
</html>
`;
