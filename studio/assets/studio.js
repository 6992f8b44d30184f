// cxsim studio: one client of the studio's JSON API (docs/studio.md). Every change is sent as
// {"variant", "segment", "changes"}; the server solves it exactly and draws the map. Nothing is
// computed here that the server does not also say.
"use strict";

const token = new URLSearchParams(location.search).get("token") || "";
const $ = (id) => document.getElementById(id);

const state = {
  scenario: null,      // GET /api/scenario
  variant: null,       // the redesign the changes build on (null: the file's baseline)
  segment: null,       // the persona filter (null: every segment)
  changes: {},         // name -> number, in the order made (the server applies them in order)
  history: [],         // earlier `changes`, for undo
  future: [],          // undone `changes`, for redo
  before: null,        // `changes` when the current drag began
  selected: null,      // the touchpoint in the side panel
  solved: null,        // the last /api/solve answer
  view: null,          // the last /api/view answer
  sequence: 0,         // answers to older requests are dropped
  timer: null,
  busy: false,         // a solve is scheduled or on its way
  slow: false,         // the last solve was too slow to re-solve while dragging
  viewBox: null,       // the map's zoom and pan
  mapSize: null,
};

async function api(path, body) {
  const init = { headers: { "X-Cxsim-Token": token } };
  if (body !== undefined) {
    init.method = "POST";
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  let data = null;
  try { data = JSON.parse(text); } catch (e) { data = null; }
  if (!res.ok) {
    const err = new Error(data && data.error ? data.error : `${res.status} ${res.statusText}`);
    err.status = res.status;
    throw err;
  }
  return data;
}

// ---- numbers as people read them (no "-0.00") ----
function fixed(x, digits) {
  const s = Number(x).toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}
const percent = (x) => `${fixed(100 * x, 2)}%`;
const minus = (text) => text.replace(/^-/, "−");
function money(x, currency) {
  if (x === null || x === undefined) return "—";
  const n = Math.round(x);
  const s = Math.abs(n).toLocaleString("en-GB");
  return `${n < 0 ? "−" : ""}${s}${currency ? " " + currency : ""}`;
}
function signed(x, digits, unit) {
  const s = fixed(x, digits);
  if (Number(s) === 0) return "no change";
  return (x > 0 ? "+" : "−") + fixed(Math.abs(x), digits) + unit;
}

function request() {
  return { variant: state.variant, segment: state.segment, changes: state.changes };
}
const changeCount = () => Object.keys(state.changes).length;

// ---- solving ----
function schedule(delayMs) {
  state.busy = true;
  clearTimeout(state.timer);
  state.timer = setTimeout(refresh, delayMs);
}

async function refresh() {
  const mine = ++state.sequence;
  state.busy = true;
  const started = performance.now();
  $("solve-status").textContent = "solving…";
  try {
    const body = request();
    const [solved, view] = await Promise.all([api("/api/solve", body), api("/api/view", body)]);
    if (mine !== state.sequence) return;
    state.busy = false;
    state.solved = solved;
    state.view = view;
    hideError();
    render();
    const ms = Math.round(performance.now() - started);
    // Too slow to follow a drag (a large journey, a busy machine): update when the slider is let go.
    state.slow = ms > 400;
    $("solve-status").textContent = `solved in ${ms} ms` + (!state.scenario.live
      ? ` — a journey of ${state.scenario.journey.touchpoints.length} touchpoints: figures update when you let go`
      : state.slow ? " — too slow to follow a drag: figures update when you let go" : "");
  } catch (err) {
    if (mine !== state.sequence) return;
    state.busy = false;
    showError(err.message);
    $("solve-status").textContent = "not solved: see the message above";
  }
}

function showError(message) { const e = $("error"); e.textContent = message; e.hidden = false; }
function hideError() { $("error").hidden = true; }

// ---- changes, undo and redo ----
function beginEdit() { if (state.before === null) state.before = { ...state.changes }; }
function commitEdit() {
  if (state.before === null) return;
  if (JSON.stringify(state.before) !== JSON.stringify(state.changes)) {
    state.history.push(state.before);
    state.future = [];
  }
  state.before = null;
  updateButtons();
  renderChanges();
}
const followsDrag = () => state.scenario.live && !state.slow;

function setChange(name, value, live) {
  beginEdit();
  delete state.changes[name];  // a number changed again moves to the end: it is applied last
  state.changes[name] = value;
  if (live) schedule(state.scenario.live ? 80 : 0);
}
function replaceChanges(changes) {
  state.history.push({ ...state.changes });
  state.future = [];
  state.changes = changes;
  updateButtons();
  renderChanges();
  refresh();
}
function undo() {
  if (!state.history.length) return;
  state.future.push(state.changes);
  state.changes = state.history.pop();
  updateButtons(); renderChanges(); refresh();
}
function redo() {
  if (!state.future.length) return;
  state.history.push(state.changes);
  state.changes = state.future.pop();
  updateButtons(); renderChanges(); refresh();
}
function updateButtons() {
  $("undo").disabled = !state.history.length;
  $("redo").disabled = !state.future.length;
  $("reset").disabled = !changeCount() && state.variant === null;
  $("save").disabled = !changeCount();
  $("change-count").textContent = String(changeCount());
}

// ---- rendering ----
function render() {
  renderHeadline();
  renderMap();
  renderEditor();
  renderSegments();
  renderLosses();
  renderChanges();
}

function setDelta(el, diff, text) {
  el.textContent = text;
  el.className = "delta" + (Math.abs(diff) < 1e-12 ? "" : diff < 0 ? " better" : " worse");
}

function renderHeadline() {
  const s = state.solved, v = state.view;
  const rate = s.defection_rate, base = v.baseline_defection_rate;
  $("defection-rate").textContent = percent(rate);
  $("lost-per-1000").textContent = fixed(1000 * rate, 1);
  const pts = 100 * (rate - base);
  setDelta($("defection-delta"), Number(fixed(pts, 2)), `${signed(pts, 2, " pts")} against the file's baseline`);
  setDelta($("lost-delta"), Number(fixed(1000 * (rate - base), 1)),
    `${signed(1000 * (rate - base), 1, "")} against the file's baseline`);
  if (v.value_at_stake_per_year === null) {
    $("value-at-stake").textContent = "—";
    $("value-delta").textContent = "the scenario has no economics block";
    $("value-delta").className = "delta";
  } else {
    $("value-at-stake").textContent = money(v.value_at_stake_per_year, v.currency);
    const d = v.value_at_stake_per_year - v.baseline_value_at_stake_per_year;
    setDelta($("value-delta"), Math.round(d), Math.round(d) === 0 ? "no change against the file's baseline"
      : `${d > 0 ? "+" : "−"}${money(Math.abs(d), v.currency)} against the file's baseline`);
  }
}

function renderMap() {
  const host = $("map");
  host.innerHTML = state.view.map.svg || "";
  const svg = host.querySelector("svg");
  $("map-legend").innerHTML = state.view.map.legend || "";
  $("map-notes").textContent = (state.view.map.notes || []).join(" ");
  if (!svg) return;
  const box = (svg.getAttribute("viewBox") || "0 0 100 100").split(/[\s,]+/).map(Number);
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
  // The same drawing size keeps the zoom and pan of the one before it.
  const size = `${box[2]}x${box[3]}`;
  if (state.mapSize !== size || !state.viewBox) {
    state.mapSize = size;
    state.viewBox = box;
  }
  svg.setAttribute("viewBox", state.viewBox.join(" "));
  for (const node of svg.querySelectorAll("g.node")) {
    if (!node.id.startsWith("tp-")) continue;
    if (node.id === "tp-" + state.selected) node.classList.add("selected");
  }
}

function mapFit() {
  state.viewBox = null;
  state.mapSize = null;
  if (state.view) renderMap();
}
function mapZoom(factor, cx, cy) {
  const svg = $("map").querySelector("svg");
  if (!svg || !state.viewBox) return;
  const [x, y, w, h] = state.viewBox;
  const px = cx === undefined ? x + w / 2 : cx, py = cy === undefined ? y + h / 2 : cy;
  state.viewBox = [px - (px - x) * factor, py - (py - y) * factor, w * factor, h * factor];
  svg.setAttribute("viewBox", state.viewBox.join(" "));
}
function svgPoint(svg, clientX, clientY) {
  const r = svg.getBoundingClientRect();
  const [x, y, w, h] = state.viewBox;
  const scale = Math.max(w / r.width, h / r.height);
  const ox = x + w / 2 - (r.width * scale) / 2, oy = y + h / 2 - (r.height * scale) / 2;
  return [ox + (clientX - r.left) * scale, oy + (clientY - r.top) * scale, scale];
}

function touchpoint(id) { return state.view.journey.touchpoints.find((t) => t.id === id); }
function label(t) { return t.name ? `${t.name} (${t.id})` : t.id; }

const attributes = [
  ["reliability", "Reliability", "does it work: the share of visits that succeed", 0, 1],
  ["relevance", "Relevance", "does it remember the customer: 1, never repeat themselves", 0, 1],
  ["value", "Value", "value for money against the segment's expectation", 0, 1],
  ["trust", "Trust", "does it head off the next issue: chance a failure later is averted", 0, 1],
  ["recovery", "Recovery", "complaint handling: chance a customer about to leave is won back", 0, 1],
  ["effort_minutes", "Effort (min)", "the customer's time spent here", 0, null],
  ["cost", "Cost", "what one visit costs the company", 0, null],
];

function numberField(container, name, text, hint, value, min, max, step) {
  const row = document.createElement("div");
  row.className = "field" + (name in state.changes ? " changed" : "");
  const id = "f-" + name.replace(/[^A-Za-z0-9_-]/g, "_");
  const lab = document.createElement("label");
  lab.textContent = text;
  lab.htmlFor = id;
  const range = document.createElement("input");
  range.type = "range"; range.min = min; range.max = max; range.step = step;
  range.value = value === null ? 0 : value;
  range.id = id;
  range.dataset.change = name;
  range.setAttribute("aria-label", text);
  const num = document.createElement("input");
  num.type = "number"; num.min = min; num.max = max; num.step = "any";
  num.value = value === null ? "" : +Number(value).toPrecision(6);
  num.dataset.change = name;
  num.setAttribute("aria-label", text + " (number)");
  range.addEventListener("input", () => { num.value = range.value; setChange(name, Number(range.value), followsDrag()); });
  range.addEventListener("change", () => { commitEdit(); if (!followsDrag()) refresh(); });
  num.addEventListener("change", () => {
    if (num.value === "" || !isFinite(Number(num.value))) return;
    setChange(name, Number(num.value), false);
    commitEdit();
    refresh();
  });
  row.append(lab, range, num);
  if (hint) { const h = document.createElement("div"); h.className = "hint"; h.textContent = hint; row.append(h); }
  container.append(row);
  return row;
}

// Sliders are rebuilt only when what they show changes, so a drag is not cut off mid-move.
let editorKey = "";
function renderEditor() {
  const pick = $("touchpoint-pick");
  const tps = state.view.journey.touchpoints;
  const options = tps.map((t) => t.id).join("\n");
  if (pick.dataset.options !== options) {
    pick.dataset.options = options;
    pick.innerHTML = "";
    const none = new Option("— a touchpoint —", "");
    pick.add(none);
    for (const t of tps) pick.add(new Option(label(t), t.id));
  }
  pick.value = state.selected || "";
  const box = $("touchpoint-editor");
  const t = state.selected ? touchpoint(state.selected) : null;
  const key = JSON.stringify([state.selected, state.variant, state.segment, state.changes, t]);
  if (state.before !== null && editorKey) {
    updateRoutes(box);  // mid-drag: only the re-balanced routes follow
    return;
  }
  if (key === editorKey) return;
  editorKey = key;
  const focused = document.activeElement && document.activeElement.id;
  box.innerHTML = "";
  refocus(focused);
  if (!t) return;
  const h = document.createElement("h3");
  h.textContent = label(t);
  const where = document.createElement("div");
  where.className = "muted";
  where.textContent = [t.stage && `stage ${t.stage}`, t.channel && `channel ${t.channel}`, t.outcome && `ending: ${t.outcome}`]
    .filter(Boolean).join(" · ");
  box.append(h, where);
  for (const [field, text, hint, min, fixedMax] of attributes) {
    const v = t[field];
    const max = fixedMax !== null ? fixedMax : Math.max(field === "cost" ? 100 : 120, Math.ceil(2 * (v || 0)));
    numberField(box, `${t.id}.${field}`, text, hint, v, min, max, fixedMax !== null ? 0.005 : 1);
  }
  renderRoutes(box, t);
}

function routeName(row, rows) {
  let name = `transition:${row.from}->${row.to}`;
  const same = rows.filter((r) => r.to === row.to);
  if (same.length > 1) {
    name += ` when=${row.when}`;
    if (same.filter((r) => r.when === row.when).length > 1 && row.segment !== null) name += ` segment=${row.segment}`;
  }
  return name;
}

function renderRoutes(box, t) {
  const rows = state.view.journey.transitions.filter((r) => r.from === t.id);
  if (!rows.length) return;
  const h = document.createElement("h3");
  h.textContent = "Where customers go next";
  box.append(h);
  const sets = new Map();
  for (const r of rows) {
    const k = `${r.when}|${r.segment === null ? "" : r.segment}`;
    if (!sets.has(k)) sets.set(k, []);
    sets.get(k).push(r);
  }
  for (const [k, set] of sets) {
    const [when, segment] = k.split("|");
    const sub = document.createElement("h4");
    sub.textContent = (when === "ok" ? "after a visit that works" : when === "fail" ? "after a failed visit" : "after any visit") +
      (segment ? ` (segment ${segment})` : "");
    box.append(sub);
    for (const r of set) {
      const to = touchpoint(r.to);
      const row = numberField(box, routeName(r, rows), "→ " + (to && to.name ? to.name : r.to), null, r.probability, 0, 1, 0.005);
      row.dataset.route = routeName(r, rows) + "|" + k;
      if (set.length === 1) for (const input of row.querySelectorAll("input")) input.disabled = true;
    }
    const sum = document.createElement("div");
    sum.className = "route-sum";
    sum.dataset.set = k;
    sum.textContent = `these sum to ${fixed(set.reduce((a, r) => a + r.probability, 0), 3)}` +
      (set.length > 1 ? "; moving one re-balances the others" : " (the only route)");
    box.append(sum);
  }
}

// During a drag: the other rows of a set take the server's re-balanced numbers.
function updateRoutes(box) {
  const rows = state.view.journey.transitions.filter((r) => r.from === state.selected);
  for (const r of rows) {
    const k = `${r.when}|${r.segment === null ? "" : r.segment}`;
    const row = box.querySelector(`[data-route="${CSS.escape(routeName(r, rows) + "|" + k)}"]`);
    if (!row) continue;
    for (const input of row.querySelectorAll("input"))
      if (input !== document.activeElement) input.value = input.type === "number" ? +Number(r.probability).toPrecision(6) : r.probability;
  }
}

let segmentKey = "";
// The field that had the keyboard gets it back once the panel is rebuilt.
function refocus(id) {
  if (id && id.startsWith("f-")) setTimeout(() => { const el = $(id); if (el) el.focus(); }, 0);
}

function renderSegments() {
  const box = $("segment-editor");
  const key = JSON.stringify([state.view.journey.segments, state.variant, state.changes]);
  if (state.before !== null && segmentKey) return;
  if (key === segmentKey) return;
  segmentKey = key;
  const focused = document.activeElement && document.activeElement.id;
  box.innerHTML = "";
  refocus(focused);
  const units = { failed: 1, repeated: 1, value_gap: 0.1, effort_hour: 1 };
  const frictions = { failed: "reliability", repeated: "relevance", value_gap: "value", effort_hour: "effort" };
  const words = {
    failed: "chance one failed visit makes a customer walk away",
    repeated: "chance repeating themselves once makes them walk away",
    value_gap: "chance a value gap of 0.1 makes them walk away",
    effort_hour: "chance an hour of effort makes them walk away",
  };
  for (const s of state.view.journey.segments) {
    const h = document.createElement("h3");
    h.textContent = `${s.name} (${fixed(100 * s.share, 1)}% of customers)`;
    box.append(h);
    const p = `segment:${s.name}.`;
    if (state.view.journey.segments.length > 1)
      numberField(box, p + "share", "Share", "its share of customers; the other segments' shares re-balance", s.share, 0, 1, 0.005);
    numberField(box, p + "value_expectation", "Expects value", "the value for money this segment expects", s.value_expectation, 0, 1, 0.005);
    for (const k of Object.keys(units)) {
      const odds = 1 - Math.exp(-s.sensitivity[frictions[k]] * units[k]);
      numberField(box, p + "walk_away." + k, "Walk-away: " + k.replace("_", " "), words[k], odds, 0, 0.99, 0.005);
    }
    numberField(box, p + "silent_churn", "Silent churn", "chance a customer who finishes leaves anyway", s.silent_churn, 0, 1, 0.005);
    numberField(box, p + "heterogeneity", "Heterogeneity", "how much customers of this segment differ (0: all alike)", s.heterogeneity, 0, 3, 0.01);
  }
}

function renderLosses() {
  const s = state.solved;
  const causes = ["reliability", "relevance", "value", "effort", "route"];
  const thead = $("loss-table").querySelector("thead"), tbody = $("loss-table").querySelector("tbody");
  thead.innerHTML = "";
  const hr = thead.insertRow();
  for (const c of ["Touchpoint", "Stage", "Lost per 1,000", "", ...causes.map((c) => c[0].toUpperCase() + c.slice(1))]) {
    const th = document.createElement("th");
    th.textContent = c;
    if (c === "Touchpoint" || c === "Stage") th.className = "text";
    hr.append(th);
  }
  tbody.innerHTML = "";
  const rows = s.touchpoints.filter((t) => t.defections > 0).sort((a, b) => b.defections - a.defections);
  const most = rows.length ? rows[0].defections : 1;
  for (const t of rows) {
    const tr = tbody.insertRow();
    const name = tr.insertCell(); name.textContent = t.name ? `${t.name} (${t.id})` : t.id;
    const stage = tr.insertCell(); stage.className = "text"; stage.textContent = t.stage || "";
    tr.insertCell().textContent = fixed(1000 * t.defections, 1);
    const bar = tr.insertCell(); bar.className = "bar";
    const b = document.createElement("div"); b.style.width = `${(100 * t.defections) / most}%`; bar.append(b);
    for (const c of causes) tr.insertCell().textContent = fixed(1000 * t.defections_by_cause[c], 1);
    tr.addEventListener("click", () => select(t.id));
  }
}

function renderChanges() {
  const list = $("change-list");
  list.innerHTML = "";
  for (const [name, value] of Object.entries(state.changes)) {
    const li = document.createElement("li");
    li.textContent = `${name} = ${+Number(value).toPrecision(6)}`;
    const x = document.createElement("button");
    x.textContent = "×";
    x.title = "Drop this change";
    x.addEventListener("click", () => {
      const next = { ...state.changes };
      delete next[name];
      replaceChanges(next);
    });
    li.append(x);
    list.append(li);
  }
  if (!changeCount()) list.innerHTML = "<li class='muted'>none yet</li>";
  updateButtons();
}

function select(id) {
  state.selected = id || null;
  editorKey = "";
  showTab("touchpoint");
  if (state.view) { renderEditor(); renderMap(); }
}

function showTab(which) {
  for (const t of ["touchpoint", "segments", "changes"]) {
    $("tab-" + t).classList.toggle("active", t === which);
    $("panel-" + t).hidden = t !== which;
  }
}

// ---- scenario, redesigns, personas ----
function fillSelectors() {
  const sc = state.scenario;
  $("scenario-name").textContent = sc.scenario;
  $("scenario-file").textContent = sc.file;
  document.title = `${sc.scenario} — cxsim studio`;
  const variant = $("variant");
  variant.innerHTML = "";
  variant.add(new Option("the file's baseline", ""));
  for (const v of sc.variants) variant.add(new Option(v.description ? `${v.name} — ${v.description.trim()}` : v.name, v.name));
  variant.value = state.variant || "";
  const segment = $("segment");
  segment.innerHTML = "";
  segment.add(new Option("every segment", ""));
  for (const s of sc.segments) segment.add(new Option(`${s.name} (${fixed(100 * s.share, 1)}%)`, s.name));
  segment.value = state.segment || "";
}

async function loadScenario() {
  state.scenario = await api("/api/scenario");
  if (state.variant && !state.scenario.variants.some((v) => v.name === state.variant)) state.variant = null;
  fillSelectors();
  segmentKey = "";
  editorKey = "";
}

// ---- compare and save ----
async function compareSaved() {
  const section = $("comparison");
  section.hidden = false;
  $("comparison-note").textContent = "Walking customers through every redesign on common random numbers…";
  $("comparison-table").querySelector("tbody").innerHTML = "";
  try {
    const c = await api("/api/compare", { segment: state.segment });
    const cur = c.economics ? c.economics.currency : "";
    $("comparison-note").textContent =
      `${c.customers.toLocaleString("en-GB")} customers per redesign, seed ${c.seed}, paired on the same customers; ` +
      `intervals are 95% and cover simulation noise. Ranked by ${c.economics ? c.economics.ranked_by.replaceAll("_", " ") : "defection"}.`;
    const head = $("comparison-table").querySelector("thead");
    head.innerHTML = "";
    const hr = head.insertRow();
    for (const h of ["Redesign", "Defection change", "95% interval", "Exact", "Kept per 1,000", "Net benefit per year", "Verdict"]) {
      const th = document.createElement("th"); th.textContent = h; hr.append(th);
    }
    const body = $("comparison-table").querySelector("tbody");
    for (const v of [...c.variants].sort((a, b) => a.rank - b.rank)) {
      const tr = body.insertRow();
      const e = v.economics;
      if (e && e.verdict) tr.className = e.verdict === "pays" ? "pays" : e.verdict === "costs" ? "costs" : "";
      const name = tr.insertCell(); name.textContent = v.description ? `${v.name}: ${v.description.trim()}` : v.name;
      tr.insertCell().textContent = signed(100 * v.difference, 2, " pts");
      tr.insertCell().textContent = `${minus(fixed(100 * v.difference_ci95[0], 2))} to ${minus(fixed(100 * v.difference_ci95[1], 2))} pts`;
      tr.insertCell().textContent = v.exact_difference === null ? "—" : signed(100 * v.exact_difference, 2, " pts");
      tr.insertCell().textContent = fixed(v.customers_kept_per_1000, 1);
      tr.insertCell().textContent = e && e.net_benefit_per_year !== null && e.net_benefit_per_year !== undefined
        ? money(e.net_benefit_per_year, cur) : "—";
      tr.insertCell().textContent = e && e.verdict ? `${v.verdict}; ${e.verdict}` : v.verdict;
    }
    section.scrollIntoView({ behavior: "smooth" });
  } catch (err) {
    $("comparison-note").textContent = err.message;
  }
}

function openSave() {
  $("save-error").textContent = "";
  $("save-base").textContent = state.variant
    ? `The redesign '${state.variant}' with your ${changeCount()} change(s) on top, as a new redesign in ${state.scenario.file}.`
    : `Your ${changeCount()} change(s) to the baseline, as a new redesign in ${state.scenario.file}.`;
  $("save-dialog").showModal();
  $("save-name").focus();
}

async function confirmSave(event) {
  event.preventDefault();
  const name = $("save-name").value.trim();
  const body = { name, description: $("save-description").value, variant: state.variant, changes: state.changes };
  if ($("save-cost").value !== "") body.cost_per_year = Number($("save-cost").value);
  if ($("save-one-off").value !== "") body.one_off_cost = Number($("save-one-off").value);
  state.busy = true;  // until the saved redesign is shown
  try {
    await api("/api/save-variant", body);
    $("save-dialog").close();
    $("save-form").reset();
    state.variant = name;
    state.changes = {};
    state.history = [];
    state.future = [];
    await loadScenario();
    updateButtons();
    renderChanges();
    await refresh();
  } catch (err) {
    state.busy = false;
    $("save-error").textContent = err.message;
  }
}

async function pollDisk() {
  try {
    const s = await api("/api/status");
    $("changed-on-disk").hidden = !s.changed_on_disk;
  } catch (err) { /* the server stopped: the next poll says so again */ }
}

async function reloadFromDisk() {
  try {
    await api("/api/reload", {});
    await loadScenario();
    $("changed-on-disk").hidden = true;
    await refresh();
  } catch (err) {
    showError(err.message);
  }
}

// ---- wiring ----
function wire() {
  $("undo").addEventListener("click", undo);
  $("redo").addEventListener("click", redo);
  $("reset").addEventListener("click", () => {
    state.variant = null;
    $("variant").value = "";
    replaceChanges({});
  });
  $("save").addEventListener("click", openSave);
  $("save-form").addEventListener("submit", confirmSave);
  $("save-cancel").addEventListener("click", () => $("save-dialog").close());
  $("compare").addEventListener("click", compareSaved);
  $("reload").addEventListener("click", reloadFromDisk);
  $("variant").addEventListener("change", () => { state.variant = $("variant").value || null; editorKey = ""; segmentKey = ""; refresh(); });
  $("segment").addEventListener("change", () => { state.segment = $("segment").value || null; refresh(); });
  $("touchpoint-pick").addEventListener("change", () => select($("touchpoint-pick").value));
  for (const t of ["touchpoint", "segments", "changes"]) $("tab-" + t).addEventListener("click", () => showTab(t));
  $("zoom-in").addEventListener("click", () => mapZoom(0.8));
  $("zoom-out").addEventListener("click", () => mapZoom(1.25));
  $("zoom-fit").addEventListener("click", mapFit);
  document.addEventListener("keydown", (e) => {
    if (!(e.ctrlKey || e.metaKey) || e.key.toLowerCase() !== "z") return;
    if (e.target.tagName === "INPUT" || e.target.tagName === "TEXTAREA") return;
    e.preventDefault();
    e.shiftKey ? redo() : undo();
  });

  const map = $("map");
  let drag = null;
  map.addEventListener("wheel", (e) => {
    const svg = map.querySelector("svg");
    if (!svg || !state.viewBox) return;
    e.preventDefault();
    const [px, py] = svgPoint(svg, e.clientX, e.clientY);
    mapZoom(e.deltaY < 0 ? 0.85 : 1 / 0.85, px, py);
  }, { passive: false });
  map.addEventListener("pointerdown", (e) => {
    if (e.target.closest("g.node")) return;
    drag = { x: e.clientX, y: e.clientY, box: [...(state.viewBox || [0, 0, 1, 1])] };
    map.classList.add("dragging");
  });
  window.addEventListener("pointermove", (e) => {
    if (!drag) return;
    const svg = map.querySelector("svg");
    if (!svg) return;
    const [, , scale] = svgPoint(svg, e.clientX, e.clientY);
    state.viewBox = [drag.box[0] - (e.clientX - drag.x) * scale, drag.box[1] - (e.clientY - drag.y) * scale, drag.box[2], drag.box[3]];
    svg.setAttribute("viewBox", state.viewBox.join(" "));
  });
  window.addEventListener("pointerup", () => { drag = null; map.classList.remove("dragging"); });
  map.addEventListener("click", (e) => {
    const node = e.target.closest("g.node");
    if (node && node.id.startsWith("tp-")) select(node.id.slice(3));
  });
}

async function start() {
  wire();
  try {
    await loadScenario();
    updateButtons();
    renderChanges();
    await refresh();
  } catch (err) {
    showError(err.message);
  }
  setInterval(pollDisk, 3000);
}

document.addEventListener("DOMContentLoaded", start);
