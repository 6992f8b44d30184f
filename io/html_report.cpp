#include "io/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "io/report_format.hpp"
#include "models/friction.hpp"

namespace cxsim {

namespace {

using json = nlohmann::ordered_json;

std::string escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string pct(double share) {
  return percent_text(share, 2);
}
std::string per_1000(double share) {
  return fixed_text(1000.0 * share, 1);
}
std::string pp(double difference) {
  return fixed_text(100.0 * difference, 2, true);
}
// An attribute's value: two decimals for a share or a score, whole minutes for effort.
std::string attribute_text(double x) {
  return std::fabs(x) >= 10 ? grouped_text(x) : fixed_text(x, 2);
}
double num(const json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0.0;
}
std::string text_of(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

// What a cause means to a manager.
const char* cause_words(const std::string& cause) {
  if (cause == "reliability") return "visits that fail";
  if (cause == "relevance") return "having to repeat themselves";
  if (cause == "value") return "less value than they expected";
  if (cause == "effort") return "the time and trouble it takes";
  if (cause == "route") return "the journey sending them away";
  return "";
}

std::string main_cause(const json& t) {
  const json& c = t["defections_by_cause"];
  std::string best;
  double most = 0.0;
  for (const char* cause : cause_names)
    if (num(c, cause) > most) {
      most = num(c, cause);
      best = cause;
    }
  return best;
}

// JSON inside <script>: '<', '>' and '&' only occur inside strings, where \uXXXX is the same text.
std::string script_json(const json& j) {
  const std::string text = j.dump();
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '<')
      out += "\\u003c";
    else if (c == '>')
      out += "\\u003e";
    else if (c == '&')
      out += "\\u0026";
    else
      out += c;
  }
  return out;
}

const char* const style = R"css(
:root { --ink: #1d232b; --muted: #5b6470; --rule: #d8dde3; --accent: #b10026; --good: #1a7f37; }
* { box-sizing: border-box; }
body { font-family: "Helvetica Neue", Helvetica, Arial, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1100px;
       padding: 24px 32px 48px; line-height: 1.45; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 8px; border-bottom: 2px solid var(--ink); padding-bottom: 4px; }
p.sub, .note, figcaption, .muted { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(230px, 1fr)); gap: 14px; margin: 16px 0; }
.card { border: 1px solid var(--rule); border-radius: 8px; padding: 12px 16px; }
.card .label { font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); }
.card .big { font-size: 30px; font-weight: 700; color: var(--accent); line-height: 1.15; margin: 4px 0; }
.card .big.words { font-size: 19px; overflow-wrap: anywhere; }
.card .big.good { color: var(--good); }
.card .what { font-size: 14px; color: var(--muted); }
.table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 8px 0 16px; }
th, td { border-bottom: 1px solid var(--rule); padding: 4px 6px; text-align: right; vertical-align: top; }
th:first-child, td:first-child, td.text, th.text { text-align: left; }
thead th { border-bottom: 2px solid var(--ink); }
td .id, td .desc { display: block; color: var(--muted); font-size: 12px; }
/* The map takes the window's whole width (less a margin), wider than the text column. */
.map { border: 1px solid var(--rule); border-radius: 8px; padding: 8px; width: calc(100vw - 32px); max-width: 1800px;
       position: relative; left: 50%; transform: translateX(-50%); }
.map-view { overflow: hidden; max-width: 100%; }
.map-view.zoomed { overflow: auto; cursor: grab; max-height: 80vh; }
.map-view svg { max-width: 100%; height: auto; display: block; margin: 0 auto; }
.map-tools { display: flex; gap: 6px; justify-content: flex-end; margin-bottom: 4px; }
.map-tools button { font: inherit; font-size: 13px; padding: 2px 10px; border: 1px solid var(--rule); border-radius: 4px;
                    background: #f6f8fa; cursor: pointer; }
.legend { display: flex; flex-wrap: wrap; gap: 2px; align-items: center; font-size: 12px; margin: 8px 0 0; }
.legend-title { margin-right: 6px; color: var(--muted); }
.swatch { padding: 1px 8px; border: 1px solid var(--rule); }
.legend-words { font-size: 12px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 16px; }
.charts .full { grid-column: 1 / -1; }
figure { margin: 0; }
.chart { position: relative; height: 280px; }
.verdict-better { color: var(--good); font-weight: 600; }
.verdict-worse { color: var(--accent); font-weight: 600; }
.problem, td .desc.problem { color: var(--accent); font-weight: 600; }
article.scenario { border-top: 6px solid var(--ink); margin-top: 56px; padding-top: 8px; }
nav ul { columns: 2; margin: 8px 0; }
#table-decisions tr.first td { border-top: 2px solid var(--ink); }
footer { margin-top: 40px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--rule); padding-top: 8px; }
footer code { word-break: break-all; }
@media (max-width: 640px) { body { padding: 12px; } .charts { grid-template-columns: 1fr; } }
@media print {
  @page { margin: 12mm; }
  body { max-width: none; padding: 0; font-size: 11px; }
  .map { border: none; padding: 0; width: 100%; left: 0; transform: none; }
  .map-tools { display: none; }
  .table-wrap { overflow: visible; }
  .map-view, .map-view.zoomed { overflow: visible; max-height: none; }
  .map-view svg { width: 100% !important; max-width: 100%; height: auto !important; }
  .charts { display: block; }
  figure, .card, tr, .legend { break-inside: avoid; }
  figure { margin-bottom: 12px; }
  h2 { break-after: avoid; }
  article.scenario { break-before: page; }
  .chart canvas { max-width: 100%; }
  table { font-size: 10px; }
}
)css";

// Our charts, drawn from the embedded data with Chart.js. Colours: Okabe-Ito, safe for colour
// blindness. Every category label is drawn: a bar chart is as tall as its bars need (room for
// every line of every label) and its category axis never skips a tick.
const char* const script = R"js(
(function () {
  var errors = [];
  window.addEventListener('error', function (e) { errors.push(String(e.message)); });
  var causes = ['reliability', 'relevance', 'value', 'effort', 'route'];
  var colour = { reliability: '#0072B2', relevance: '#E69F00', value: '#009E73', effort: '#CC79A7', route: '#999999' };
  Chart.defaults.animation = false;
  Chart.defaults.font.family = '"Helvetica Neue", Helvetica, Arial, sans-serif';
  Chart.defaults.maintainAspectRatio = false;
  var LINE = 15, GAP = 10, MIN_BAR = 26;
  // A label as lines of at most `width` characters.
  function wrap(text, width) {
    var words = String(text).split(/\s+/), lines = [], line = '';
    words.forEach(function (w) {
      if (line && (line + ' ' + w).length > width) { lines.push(line); line = w; } else { line = line ? line + ' ' + w : w; }
    });
    if (line) lines.push(line);
    return lines.length > 1 ? lines : (lines[0] || '');
  }
  function lineCount(l) { return Array.isArray(l) ? l.length : 1; }
  // The chart's box: its fixed parts (title, legend, axis) plus room for every bar's label.
  function sizeFor(canvas, labels, fixed) {
    var rows = labels.reduce(function (n, l) { return n + Math.max(MIN_BAR, lineCount(l) * LINE + GAP); }, 0);
    canvas.parentNode.style.height = (rows + fixed) + 'px';
  }
  function noNegativeZero(x) { return x + 0; }
  function perThousand(x) { return noNegativeZero(Math.round(x * 10000) / 10); }
  var categoryTicks = { autoSkip: false, font: { size: 12 }, lineHeight: 1.2 };
  function byCause(id, labels, rows, title) {
    var el = document.getElementById(id);
    if (!el) return;
    labels = labels.map(function (l) { return wrap(l, 26); });
    sizeFor(el, labels, 130);
    new Chart(el, {
      type: 'bar',
      data: { labels: labels, datasets: causes.map(function (c) {
        return { label: c, backgroundColor: colour[c], data: rows.map(function (r) { return perThousand(r.defections_by_cause[c]); }) };
      }) },
      options: { indexAxis: 'y', plugins: { title: { display: true, text: title }, legend: { position: 'bottom' } },
                 scales: { x: { stacked: true, title: { display: true, text: 'customers lost per 1,000 who start' } },
                           y: { stacked: true, ticks: categoryTicks } } }
    });
  }
  // One scenario's charts and map: its data and the prefix of its ids (a portfolio has several).
  function render(node) {
  var P = node.getAttribute('data-prefix') || '';
  var data = JSON.parse(node.textContent);
  var el = function (id) { return document.getElementById(P + id); };
  var fig = data.figures;
  var byId = {};
  fig.touchpoints.forEach(function (t) { byId[t.id] = t; });
  var ranked = data.ranked.map(function (id) { return byId[id]; });
  byCause(P + 'chart-touchpoints', ranked.map(function (t) { return t.name || t.id; }), ranked, 'Where customers are lost, by cause');
  byCause(P + 'chart-stages', fig.stages.map(function (s) { return s.stage || '(no stage)'; }), fig.stages, 'By stage');
  byCause(P + 'chart-channels', fig.channels.map(function (s) { return s.channel || '(no channel)'; }), fig.channels, 'By channel');
  var seg = el('chart-segments');
  if (seg) {
    var segLabels = fig.segments.map(function (s) { return wrap(s.name, 26); });
    sizeFor(seg, segLabels, 90);
    new Chart(seg, {
      type: 'bar',
      data: { labels: segLabels,
              datasets: [{ label: 'defection rate (%)', backgroundColor: '#56B4E9',
                           data: fig.segments.map(function (s) { return s.defection_rate === null ? 0 : noNegativeZero(Math.round(s.defection_rate * 10000) / 100); }) }] },
      options: { indexAxis: 'y', plugins: { title: { display: true, text: 'By segment' }, legend: { display: false } },
                 scales: { x: { title: { display: true, text: 'defection rate (%)' } }, y: { ticks: categoryTicks } } }
    });
  }
  var forest = el('chart-forest');
  if (forest && data.comparison) {
    // The table's order: best first.
    var vs = data.comparison.variants.slice().sort(function (a, b) { return a.rank - b.rank; });
    var names = vs.map(function (v) { return v.name; });
    sizeFor(forest, names, 120);
    var pts = function (x) { return noNegativeZero(Math.round(x * 10000) / 100); };
    new Chart(forest, {
      type: 'bar',
      data: { labels: names, datasets: [
        { type: 'bar', label: '95% interval', backgroundColor: 'rgba(0,114,178,0.35)', barPercentage: 0.35,
          data: vs.map(function (v) { return [pts(v.difference_ci95[0]), pts(v.difference_ci95[1])]; }) },
        { type: 'scatter', label: 'estimate', backgroundColor: '#0072B2', pointRadius: 5,
          data: vs.map(function (v) { return { x: pts(v.difference), y: v.name }; }) },
        { type: 'scatter', label: 'exact', backgroundColor: '#D55E00', pointStyle: 'crossRot', pointRadius: 7, borderColor: '#D55E00',
          data: vs.filter(function (v) { return v.exact_difference !== null; }).map(function (v) { return { x: pts(v.exact_difference), y: v.name }; }) }
      ] },
      options: { indexAxis: 'y', plugins: { title: { display: true, text: 'Change of the defection rate against the baseline (percentage points; left is better), best first' },
                 legend: { position: 'bottom' } },
                 scales: { x: { title: { display: true, text: 'percentage points' } },
                           y: { type: 'category', labels: names, ticks: categoryTicks } } }
    });
  }
  // The tornado: the best redesign's net benefit with each uncertain input at its low and at its
  // high end, widest swing first (the table's order).
  var tornado = el('chart-tornado');
  if (tornado && data.comparison && data.comparison.assumptions) {
    var bars = data.comparison.assumptions.tornado;
    var inputs = bars.map(function (t) { return wrap(t.input, 30); });
    sizeFor(tornado, inputs, 120);
    var money = function (x) { return noNegativeZero(Math.round(x)); };
    new Chart(tornado, {
      type: 'bar',
      data: { labels: inputs, datasets: [
        { label: 'net benefit per year as the input goes from its low to its high end', backgroundColor: 'rgba(230,159,0,0.6)',
          data: bars.map(function (t) { return [money(Math.min(t.net_benefit_at_low, t.net_benefit_at_high)),
                                                money(Math.max(t.net_benefit_at_low, t.net_benefit_at_high))]; }) }
      ] },
      options: { indexAxis: 'y', plugins: { title: { display: true, text: 'Which assumption moves the decision most: ' + data.comparison.assumptions.tornado_for },
                 legend: { position: 'bottom' } },
                 scales: { x: { title: { display: true, text: 'net benefit per year' + (data.economics && data.economics.currency ? ' (' + data.economics.currency + ')' : '') } },
                           y: { ticks: categoryTicks } } }
    });
  }
  // A response curve: the exact defection rate as one number moves, with today's value marked.
  function responseChart(canvas, curve, name) {
    var xs = curve.points.map(function (p) { return p.value; });
    new Chart(canvas, {
      type: 'line',
      data: { datasets: [
        { label: 'defection rate (exact, %)', borderColor: '#0072B2', backgroundColor: '#0072B2', pointRadius: 2,
          data: curve.points.map(function (p) { return { x: p.value, y: p.defection_rate_exact * 100 }; }) },
        { type: 'scatter', label: 'today', backgroundColor: '#D55E00', pointRadius: 6,
          data: [{ x: curve.current, y: data.exact_defection_rate * 100 }] }
      ] },
      options: { plugins: { title: { display: true, text: 'Response curve: ' + name + ', ' + curve.attribute },
                            legend: { position: 'bottom' } },
                 scales: { x: { type: 'linear', min: Math.min.apply(null, xs.concat([curve.current])),
                                max: Math.max.apply(null, xs.concat([curve.current])), title: { display: true, text: curve.attribute } },
                           y: { title: { display: true, text: 'defection rate (%)' } } } }
    });
  }
  var response = el('chart-response');
  if (response && data.response) {
    var top = data.response.sweeps[0];
    responseChart(response, top, data.response_name || top.touchpoint || top.segment);
  }
  if (data.sweeps) data.sweeps.sweeps.forEach(function (curve, i) {
    var canvas = el('chart-sweep-' + i);
    var t = curve.touchpoint && byId[curve.touchpoint];
    if (canvas) responseChart(canvas, curve, t ? (t.name || t.id) : (curve.touchpoint || 'segment ' + curve.segment));
  });
  // The map: fitted to the page's width (never wider than drawn), zoom buttons, drag to pan.
  // A map that fits the width, with zoom buttons and drag to move: the journey, and the best
  // redesign against it.
  ['journey-map', 'redesign-map'].forEach(function (id) {
  var section = el(id);
  var view = section && section.querySelector('.map-view');
  var svg = view && view.querySelector('svg');
  if (svg) {
    var natural = svg.width && svg.width.baseVal ? svg.width.baseVal.value : 0;
    var zoom = 1;
    var apply = function () {
      var fit = natural > 0 ? Math.min(view.clientWidth, natural) : view.clientWidth;
      svg.style.maxWidth = zoom > 1 ? 'none' : '100%';
      svg.style.width = Math.floor(fit * zoom) + 'px';
      svg.style.height = 'auto';
      view.classList.toggle('zoomed', zoom > 1);
    };
    apply();
    window.addEventListener('resize', function () { if (zoom === 1) apply(); });
    section.querySelectorAll('[data-zoom]').forEach(function (b) {
      b.addEventListener('click', function () {
        var how = b.getAttribute('data-zoom');
        zoom = how === 'in' ? Math.min(8, zoom * 1.5) : how === 'out' ? Math.max(1, zoom / 1.5) : 1;
        apply();
      });
    });
    var drag = null;
    view.addEventListener('mousedown', function (e) { if (zoom > 1) drag = { x: e.clientX, y: e.clientY, l: view.scrollLeft, t: view.scrollTop }; });
    window.addEventListener('mouseup', function () { drag = null; });
    view.addEventListener('mousemove', function (e) {
      if (!drag) return;
      view.scrollLeft = drag.l - (e.clientX - drag.x);
      view.scrollTop = drag.t - (e.clientY - drag.y);
    });
  }
  });
  }
  document.querySelectorAll('script.cxsim-data').forEach(render);
  // Printing: every chart redrawn at the page's width, and again after.
  function resizeAll() { Object.keys(Chart.instances).forEach(function (k) { Chart.instances[k].resize(); }); }
  window.addEventListener('beforeprint', resizeAll);
  window.addEventListener('afterprint', resizeAll);

  // What a test (or a curious reader) can check: every chart and the map drawn, with a size.
  var check = { errors: errors, charts: [], map: null };
  document.querySelectorAll('canvas').forEach(function (c) {
    var r = c.getBoundingClientRect();
    check.charts.push({ id: c.id, width: r.width, height: r.height, drawn: !!Chart.getChart(c) });
  });
  var svg = document.querySelector('.map-view svg');
  if (svg) { var b = svg.getBoundingClientRect(); check.map = { width: b.width, height: b.height, nodes: svg.querySelectorAll('g.node').length }; }
  document.body.setAttribute('data-render-check', JSON.stringify(check));
})();
)js";

// A cell holding a name, with the id below it when they differ.
std::string named(const std::string& name, const std::string& id) {
  if (name.empty() || name == id) return escape(id);
  return escape(name) + "<span class=\"id\">" + escape(id) + "</span>";
}

std::string page_title(const HtmlReportInput& in) {
  return in.scenario + (in.variant == "baseline" ? "" : " — " + in.variant);
}

// One scenario's sections; every id starts with `P` (empty on a page of one scenario).
// A redesign's verdict on defections as a table cell: green only for one that is better and, when
// it has money, pays (a redesign that keeps customers but loses money is not shown as good).
std::string verdict_cell(const std::string& verdict, bool pays_or_no_money) {
  const char* tone = verdict == "better" && pays_or_no_money ? "better" : verdict == "worse" ? "worse" : "none";
  return "<td class=\"text verdict-" + std::string(tone) + "\">" + escape(verdict) + "</td>";
}

// One scenario's sections, in page order (`P` prefixes every id: a portfolio has many). What
// one section works out that a later one shows (the losses ranked, the response curve's
// touchpoint) is kept here.
class ScenarioSections {
 public:
  ScenarioSections(std::ostringstream& out, const HtmlReportInput& input, const std::string& prefix)
      : o(out),
        in(input),
        P(prefix),
        run(in.run),
        fig(in.exact ? *in.exact : run),
        exact(in.exact.has_value()),
        currency(in.economics ? in.economics->value("currency", "") : ""),
        context(in.context),
        title(page_title(in)),
        mc_rate(num(run, "defection_rate")),
        rate(exact ? num(*in.exact, "defection_rate") : mc_rate) {
    for (const auto& t : run["touchpoints"]) name_of[t["id"].get<std::string>()] = text_of(t, "name");
    if (context.contains("redesigns"))
      for (const auto& r : context["redesigns"]) redesign_of[r["name"].get<std::string>()] = &r;
  }

  // The first screen: the answers.
  void headline() {
    o << "<header>\n<h1>" << escape(title) << "</h1>\n";
    if (!text_of(context, "description").empty())
      o << "<p class=\"description\">" << escape(text_of(context, "description")) << "</p>\n";
    o << "<p class=\"sub\">Customer journey friction report: " << grouped_text(num(run, "customers"))
      << " simulated customers, seed " << escape(std::to_string(run.value("seed", std::uint64_t{0}))) << ", "
      << escape(in.reproduce.value("date", "")) << "</p>\n</header>\n";
    o << "<section id=\"" << P << "headline\">\n<div class=\"cards\">\n";
    o << "<div class=\"card\" id=\"" << P
      << "card-rate\"><div class=\"label\">Customers who defect</div><div class=\"big\" id=\"" << P
      << "headline-rate\">" << pct(rate) << "</div><div class=\"what\">";
    if (exact)
      o << "exact expected rate; the simulation of " << grouped_text(num(run, "customers"))
        << " customers, the check, gives " << pct(mc_rate) << " (95% interval "
        << pct(run["defection_ci95"][0].get<double>()) << " to " << pct(run["defection_ci95"][1].get<double>()) << ")";
    else
      o << "simulated, " << grouped_text(num(run, "customers")) << " customers (95% interval "
        << pct(run["defection_ci95"][0].get<double>()) << " to " << pct(run["defection_ci95"][1].get<double>()) << ")";
    o << "</div></div>\n";
    if (in.economics) {
      const double customers = num(*in.economics, "customers_per_year"),
                   each = num(*in.economics, "value_per_customer");
      o << "<div class=\"card\" id=\"" << P
        << "card-value\"><div class=\"label\">Value at stake per year</div><div class=\"big\" id=\"" << P
        << "headline-value\">" << money(rate * customers * each)
        << "</div><div class=\"what\">lost to defection each year: " << grouped_text(customers) << " customers a year, "
        << money(each) << " each</div></div>\n";
    }
    // (ranked: a member, shown again where customers are lost)
    for (const auto& t : fig["touchpoints"])
      if (num(t, "defections") > 0.0) ranked.push_back(&t);
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const json* a, const json* b) { return num(*a, "defections") > num(*b, "defections"); });
    if (!ranked.empty()) {
      const json& t = *ranked.front();
      const std::string cause = main_cause(t);
      o << "<div class=\"card\" id=\"" << P
        << "card-where\"><div class=\"label\">Where most customers are lost</div><div class=\"big words\" "
           "id=\""
        << P << "headline-where\">" << escape(text_of(t, "name").empty() ? text_of(t, "id") : text_of(t, "name"))
        << "</div><div class=\"what\">" << per_1000(num(t, "defections")) << " of every 1,000 customers are lost here"
        << (cause.empty() ? "" : ", mostly through " + std::string(cause_words(cause)) + " (" + cause + ")")
        << "</div></div>\n";
    }
    if (in.comparison && !(*in.comparison)["variants"].empty()) {
      const json* best = nullptr;
      for (const auto& v : (*in.comparison)["variants"])
        if (!best || v["rank"].get<int>() < (*best)["rank"].get<int>()) best = &v;
      const json& v = *best;
      const std::string name = v["name"].get<std::string>();
      o << "<div class=\"card\" id=\"" << P << "card-best\"><div class=\"label\">Best redesign</div>";
      if (v.contains("economics")) {
        const json& e = v["economics"];
        const std::string verdict = e.value("verdict", "");
        const bool npv = e["npv"].is_number();
        const char* what = npv ? "npv" : "net_benefit_per_year";
        const json& ci = e[npv ? "npv_ci95" : "net_benefit_per_year_ci95"];
        o << "<div class=\"big words" << (verdict == "pays" ? " good" : "") << "\" id=\"" << P << "headline-best\">"
          << escape(name) << "</div><div class=\"what\"><span id=\"" << P << "headline-verdict\">" << escape(verdict)
          << "</span>: " << (npv ? "net present value " : "net benefit ") << money(num(e, what))
          << (npv ? "" : " a year") << " (95% interval " << money(ci[0].get<double>()) << " to "
          << money(ci[1].get<double>()) << ", simulation noise only";
        const char* exact_key = npv ? "npv_exact" : "net_benefit_per_year_exact";
        if (e[exact_key].is_number()) o << "; exact " << money(e[exact_key].get<double>());
        o << "). "
          << (verdict == "pays"           ? "Sure at this precision: the whole interval is above zero."
              : verdict == "does not pay" ? "No redesign pays: even the best loses money over the whole interval."
                                          : "Not sure: the interval spans zero; more customers would tell.")
          << "</div></div>\n";
      } else {
        const std::string verdict = v.value("verdict", "");
        o << "<div class=\"big words" << (verdict == "better" ? " good" : "") << "\" id=\"" << P << "headline-best\">"
          << escape(name) << "</div><div class=\"what\"><span id=\"" << P << "headline-verdict\">" << escape(verdict)
          << "</span>: changes the defection rate by " << pp(num(v, "difference")) << " points (95% interval "
          << pp(v["difference_ci95"][0].get<double>()) << " to " << pp(v["difference_ci95"][1].get<double>())
          << "). No economics in the scenario, so no money verdict.</div></div>\n";
      }
    }
    o << "</div>\n</section>\n";
  }

  // The map.
  void journey_map() {
    o << "<section id=\"" << P
      << "journey-map\">\n<h2>The journey</h2>\n<p class=\"note\">Stages from left to right in journey order, "
         "channels as bands from top to bottom; touchpoints coloured by the customers lost there. "
      << (exact ? "Exact expected figures." : "Simulated figures.")
      << " Hover over a touchpoint for its figures; zoom in to read a large map, then drag to move around.</p>\n"
      << "<div class=\"map\"><div class=\"map-tools\"><button type=\"button\" data-zoom=\"out\">−</button><button "
         "type=\"button\" "
         "data-zoom=\"fit\">fit</button><button type=\"button\" data-zoom=\"in\">+</button></div><div "
         "class=\"map-view\">"
      << in.journey_svg << "</div>" << in.map_legend << "</div>\n</section>\n";
  }

  // Where customers are lost.
  void where_lost() {
    o << "<section id=\"" << P
      << "where-lost\">\n<h2>Where customers are lost</h2>\n<p class=\"note\">Every defection is blamed on one "
         "touchpoint and one cause: where the customer gave up, the visit that sent them to a defection ending, or the "
         "last straw before they left silently. Customers per 1,000 who start the journey; "
      << (exact ? "exact expected figures (the simulation's estimates are in the data embedded in the page)."
                : "simulated.")
      << "</p>\n<div class=\"charts\">\n"
      << "<figure class=\"full\"><div class=\"chart\"><canvas id=\"" << P
      << "chart-touchpoints\"></canvas></div></figure>\n"
      << "<figure><div class=\"chart\"><canvas id=\"" << P << "chart-stages\"></canvas></div></figure>\n"
      << "<figure><div class=\"chart\"><canvas id=\"" << P << "chart-channels\"></canvas></div></figure>\n"
      << "<figure><div class=\"chart\"><canvas id=\"" << P << "chart-segments\"></canvas></div></figure>\n</div>\n";
    o << "<div class=\"table-wrap\"><table id=\"" << P
      << "table-lost\"><thead><tr><th class=\"text\">touchpoint</th><th class=\"text\">stage</th><th "
         "class=\"text\">channel</th><th>lost</th><th>abandoned</th><th>routed</th><th>silent</th>";
    for (const char* cause : cause_names) o << "<th>" << cause << "</th>";
    o << "</tr></thead><tbody>\n";
    for (const json* t : ranked) {
      ranked_ids.push_back((*t)["id"]);
      const json& c = (*t)["defections_by_cause"];
      o << "<tr><td class=\"text\">" << named(text_of(*t, "name"), text_of(*t, "id")) << "</td><td class=\"text\">"
        << escape(text_of(*t, "stage")) << "</td><td class=\"text\">" << escape(text_of(*t, "channel")) << "</td><td>"
        << per_1000(num(*t, "defections")) << "</td><td>" << per_1000(num(*t, "abandoned")) << "</td><td>"
        << per_1000(num(*t, "routed")) << "</td><td>" << per_1000(num(*t, "silent")) << "</td>";
      for (const char* cause : cause_names) o << "<td>" << per_1000(num(c, cause)) << "</td>";
      o << "</tr>\n";
    }
    o << "</tbody></table></div>\n</section>\n";
  }

  // Who is lost where: one persona at a time.
  void personas() {
    if (in.personas && !in.personas->empty()) {
      o << "<section id=\"" << P
        << "personas\">\n<h2>Who is lost where, by segment</h2>\n<p class=\"note\">Each segment's own "
           "customers walked alone (exact figures): its defection rate, and the three touchpoints where it loses most, "
           "per "
           "1,000 customers of that segment, with the main cause.</p>\n"
        << "<div class=\"table-wrap\"><table id=\"" << P
        << "table-personas\"><thead><tr><th class=\"text\">segment</th><th>share of customers</th><th>"
           "defection rate</th><th class=\"text\">where they are lost (per 1,000 of the "
           "segment)</th></tr></thead><tbody>\n";
      for (const json& p : *in.personas) {
        std::string where;
        for (const json& w : p["where"]) {
          const std::string name = w.value("name", "");
          where += (where.empty() ? "" : "; ") + escape(name.empty() ? w["id"].get<std::string>() : name) + " " +
                   fixed_text(num(w, "lost_per_1000"), 1) + " (" + escape(w["cause"].get<std::string>()) + ")";
        }
        o << "<tr><td class=\"text\">" << escape(p["name"].get<std::string>()) << "</td><td>" << pct(num(p, "share"))
          << "</td><td>" << pct(num(p, "defection_rate")) << "</td><td class=\"text\">" << (where.empty() ? "-" : where)
          << "</td></tr>\n";
      }
      o << "</tbody></table></div>\n</section>\n";
    }
  }

  // Redesigns: the chart and the table in one order, best first.
  void redesigns() {
    if (in.comparison) {
      const json& c = *in.comparison;
      const bool value = in.economics.has_value();
      const bool npv = value && c.contains("economics") && c["economics"].value("ranked_by", "") == "npv";
      o << "<section id=\"" << P
        << "redesigns\">\n<h2>The redesigns against the baseline</h2>\n<p class=\"note\">Each redesign walked "
           "the same "
        << grouped_text(num(c, "customers"))
        << " customers as the baseline (paired on common random numbers), "
           "so the differences are measured precisely. Intervals are 95% and cover simulation noise only, not the "
           "assumptions; the exact difference is shown beside each. Best first"
        << (c.contains("assumptions") && c["assumptions"].is_object()
                ? std::string(", by the mean ") + (npv ? "net present value" : "net benefit per year") +
                      " over your assumptions (next section)."
            : value ? (npv ? ", by net present value." : ", by net benefit per year.")
                    : ", by the change of the defection rate.")
        << (value ? " Green: the redesign pays (its whole interval is above zero)." : "") << "</p>\n"
        << "<figure><div class=\"chart\"><canvas id=\"" << P << "chart-forest\"></canvas></div></figure>\n"
        << "<div class=\"table-wrap\"><table id=\"" << P
        << "table-redesigns\"><thead><tr><th class=\"text\">redesign</th><th>cost per year</th>"
        << (npv ? "<th>one-off cost</th>" : "")
        << "<th>defection rate</th><th>change (pp)</th><th>95% interval (pp)</th><th>exact change (pp)</th><th>kept "
           "per "
           "1,000</th>";
      if (value)
        o << "<th>" << (npv ? "net present value" : "net benefit per year")
          << "</th><th>95% interval</th><th class=\"text\">money</th>";
      o << "<th class=\"text\">defections</th></tr></thead><tbody>\n";
      std::vector<const json*> vs;
      for (const auto& v : c["variants"]) vs.push_back(&v);
      std::stable_sort(vs.begin(), vs.end(), [](const json* a, const json* b) { return (*a)["rank"] < (*b)["rank"]; });
      for (const json* v : vs) {
        const std::string name = (*v)["name"].get<std::string>();
        const json* described = redesign_of.count(name) ? redesign_of[name] : nullptr;
        const std::string description = described ? text_of(*described, "description") : "";
        const auto cost = [&](const char* key) {
          return described && (*described)[key].is_number() ? money((*described)[key].get<double>())
                                                            : std::string("none given");
        };
        const std::string verdict = (*v).value("verdict", "");
        o << "<tr><td class=\"text\"><b>" << escape(name) << "</b>"
          << (description.empty() ? "" : "<span class=\"desc\">" + escape(description) + "</span>") << "</td><td>"
          << cost("cost_per_year") << "</td>" << (npv ? "<td>" + cost("one_off_cost") + "</td>" : "") << "<td>"
          << pct(num((*v)["result"], "defection_rate")) << "</td><td>" << pp(num(*v, "difference")) << "</td><td>"
          << pp((*v)["difference_ci95"][0].get<double>()) << " to " << pp((*v)["difference_ci95"][1].get<double>())
          << "</td><td>" << ((*v)["exact_difference"].is_number() ? pp((*v)["exact_difference"].get<double>()) : "-")
          << "</td><td>" << fixed_text(num(*v, "customers_kept_per_1000"), 1) << "</td>";
        // With money on the page, green is for a redesign that pays, whatever it does to defections.
        std::string money_verdict;
        if (value) {
          if ((*v).contains("economics") && (*v)["economics"].is_object()) {
            const json& e = (*v)["economics"];
            money_verdict = e.value("verdict", "");
            const char* key = npv ? "npv" : "net_benefit_per_year";
            const json& ci = e[npv ? "npv_ci95" : "net_benefit_per_year_ci95"];
            o << "<td>" << money(num(e, key)) << "</td><td>" << money(ci[0].get<double>()) << " to "
              << money(ci[1].get<double>()) << "</td><td class=\"text verdict-"
              << (money_verdict == "pays"           ? "better"
                  : money_verdict == "does not pay" ? "worse"
                                                    : "none")
              << "\">" << escape(money_verdict) << "</td>";
          } else {
            o << "<td>-</td><td>-</td><td>-</td>";
          }
        }
        o << verdict_cell(verdict, !value || money_verdict == "pays") << "</tr>\n";
      }
      o << "</tbody></table></div>\n</section>\n";

      // ---- how sure, over the ranges the scenario puts on its guesses ----
      if (c.contains("assumptions") && c["assumptions"].is_object()) {
        const json& a = c["assumptions"];
        std::string inputs;
        for (const auto& i : a["inputs"]) inputs += (inputs.empty() ? "" : ", ") + escape(i.get<std::string>());
        o << "<section id=\"" << P
          << "uncertainty\">\n<h2>How sure: over your assumptions</h2>\n<p class=\"note\">The "
             "scenario puts ranges on "
          << a["inputs"].size() << " numbers it can only guess (" << inputs
          << "). Every "
             "redesign was solved exactly for "
          << grouped_text(num(a, "draws")) << " draws of them ("
          << escape(a.value("sampling", std::string("latin hypercube"))) << ", seed " << a["seed"].dump()
          << "). The ranges below run from the 5th to the 95th percentile of those draws: they cover your "
             "assumptions, not simulation noise.</p>\n"
          << "<div class=\"table-wrap\"><table id=\"" << P
          << "table-uncertainty\"><thead><tr><th class=\"text\">redesign</th>"
             "<th>net benefit per year, mean</th><th>5% to 95%</th><th>chance it pays</th><th>chance it is best</th>"
             "<th>change (pp), mean</th></tr></thead><tbody>\n";
        for (const json* v : vs) {
          if (!(*v).contains("assumptions") || !(*v)["assumptions"].is_object()) continue;
          const json& u = (*v)["assumptions"];
          const json& nb = u["net_benefit_per_year"];
          o << "<tr><td class=\"text\"><b>" << escape((*v)["name"].get<std::string>()) << "</b></td><td>"
            << money(num(nb, "mean")) << "</td><td>" << money(num(nb, "p5")) << " to " << money(num(nb, "p95"))
            << "</td><td>" << pct(num(u, "p_pays")) << "</td><td>" << pct(num(u, "p_best")) << "</td><td>"
            << pp(num(u["defection_change"], "mean")) << "</td></tr>\n";
        }
        o << "</tbody></table></div>\n<p>Doing nothing is best in " << pct(num(a, "p_best_nothing"))
          << " of the draws. Knowing every guessed number exactly would be worth " << money(num(a, "evpi_per_year"))
          << " a year (the expected value of perfect information): what it could be worth to firm them up.</p>\n";
        if (a.contains("tornado") && !a["tornado"].empty()) {
          o << "<figure><div class=\"chart\"><canvas id=\"" << P << "chart-tornado\"></canvas></div></figure>\n"
            << "<div class=\"table-wrap\"><table id=\"" << P
            << "table-tornado\"><thead><tr><th class=\"text\">assumption</th>"
               "<th>net benefit at its low end</th><th>at its high end</th></tr></thead><tbody>\n";
          for (const auto& t : a["tornado"])
            o << "<tr><td class=\"text\">" << escape(t["input"].get<std::string>()) << "</td><td>"
              << money(num(t, "net_benefit_at_low")) << "</td><td>" << money(num(t, "net_benefit_at_high"))
              << "</td></tr>\n";
          o << "</tbody></table></div>\n";
        }
        o << "</section>\n";
      }
    }
  }

  // The best redesign on the map, against the baseline.
  void best_redesign_map() {
    if (!in.redesign_map_svg.empty()) {
      o << "<section id=\"" << P
        << "redesign-map\">\n<h2>The best redesign on the map: " << escape(in.redesign_map_name)
        << "</h2>\n<p class=\"note\">The journey as this redesign makes it, each touchpoint coloured by the change in "
           "customers lost there against the baseline (green: fewer, red: more); what the redesign changes reads "
           "\"(was ...)\". Exact expected figures.</p>\n"
        << "<div class=\"map\"><div class=\"map-tools\"><button type=\"button\" data-zoom=\"out\">−</button><button "
           "type=\"button\" data-zoom=\"fit\">fit</button><button type=\"button\" "
           "data-zoom=\"in\">+</button></div><div "
           "class=\"map-view\">"
        << in.redesign_map_svg << "</div>" << in.redesign_map_legend << "</div>\n</section>\n";
    }
  }

  // What to fix first.
  void what_to_fix() {
    if (in.sensitivity) {
      const json& s = *in.sensitivity;
      o << "<section id=\"" << P
        << "what-to-fix\">\n<h2>What to fix first</h2>\n<p class=\"note\">Each touchpoint attribute tried "
        << fixed_text(s["step"].get<double>(), 2)
        << " better on its own, exactly re-solved, ranked by customers kept. "
           "\"If perfect\" sets the attribute to 1.</p>\n"
        << "<div class=\"table-wrap\"><table id=\"" << P
        << "table-fix\"><thead><tr><th class=\"text\">touchpoint</th><th class=\"text\">attribute</th><th>now</th>"
           "<th>tried</th><th>kept per 1,000</th><th>kept if perfect</th>";
      const bool value = in.economics.has_value();
      if (value) o << "<th>value kept per year</th>";
      o << "</tr></thead><tbody>\n";
      bool first = true;
      for (const auto& p : s["parameters"]) {
        if (!p["delta_defection_step"].is_number()) continue;
        const std::string id = text_of(p, "touchpoint");
        if (first) response_name = name_of.count(id) && !name_of[id].empty() ? name_of[id] : id;
        first = false;
        o << "<tr><td class=\"text\">" << named(name_of.count(id) ? name_of[id] : "", id) << "</td><td class=\"text\">"
          << escape(text_of(p, "attribute")) << "</td><td>" << attribute_text(num(p, "current")) << "</td><td>"
          << attribute_text(num(p, "improved")) << "</td><td>" << fixed_text(num(p, "customers_kept_per_1000"), 1)
          << "</td><td>" << fixed_text(-1000 * num(p, "delta_if_perfect"), 1) << "</td>";
        if (value) o << "<td>" << money(num(p, "value_kept_per_year")) << "</td>";
        o << "</tr>\n";
      }
      o << "</tbody></table></div>\n";
      if (in.response)
        o << "<figure><div class=\"chart\"><canvas id=\"" << P
          << "chart-response\"></canvas></div><figcaption>How the defection rate "
             "responds as the top pick moves from 0 to 1 (exact, one solve per point).</figcaption></figure>\n";
      o << "</section>\n";
    }
  }

  // The scenario's own response curves.
  void response_curves() {
    if (in.sweeps && !(*in.sweeps)["sweeps"].empty()) {
      o << "<section id=\"" << P
        << "sweeps\">\n<h2>The response curves the scenario asks for</h2>\n<p class=\"note\">Each "
           "curve of the scenario's <code>sweeps</code>: the exact defection rate as one number moves over its range, "
           "everything else as it is; the dot is today.</p>\n<div class=\"charts\">\n";
      for (std::size_t i = 0; i < (*in.sweeps)["sweeps"].size(); ++i)
        o << "<figure><div class=\"chart\"><canvas id=\"" << P << "chart-sweep-" << i
          << "\"></canvas></div></figure>\n";
      o << "</div>\n</section>\n";
    }
  }

  // What the figures rest on.
  void assumptions() {
    o << "<section id=\"" << P << "assumptions\">\n<h2>What the figures rest on</h2>\n";
    if (context.contains("segments") && !context["segments"].empty()) {
      o << "<p class=\"note\">The customers, segment by segment"
        << (context.value("default_segments", false) ? " (the scenario names none: the model's default segment)" : "")
        << ". Walk-away odds are for a customer of average sensitivity; customers differ around them by the spread "
           "shown.</p>\n<div class=\"table-wrap\"><table id=\""
        << P
        << "table-segments\"><thead><tr><th class=\"text\">segment</th><th>share</th><th>expects value</th>"
           "<th>walk away after a failed visit</th><th>after repeating themselves</th><th>per 0.1 of value short</th>"
           "<th>per hour of effort</th><th>silent churn</th><th>spread between customers</th></tr></thead><tbody>\n";
      for (const auto& s : context["segments"]) {
        const json& w = s["walk_away"];
        o << "<tr><td class=\"text\">" << escape(text_of(s, "name")) << "</td><td>" << percent_text(num(s, "share"), 0)
          << "</td><td>" << fixed_text(num(s, "value_expectation"), 2) << "</td><td>"
          << percent_text(num(w, "failed"), 1) << "</td><td>" << percent_text(num(w, "repeated"), 1) << "</td><td>"
          << percent_text(num(w, "value_gap"), 1) << "</td><td>" << percent_text(num(w, "effort_hour"), 1)
          << "</td><td>" << fixed_text(num(s, "silent_churn"), 2) << "</td><td>"
          << fixed_text(num(s, "heterogeneity"), 2) << "</td></tr>\n";
      }
      o << "</tbody></table></div>\n<ul id=\"" << P << "segments-in-words\">\n";
      for (const auto& s : context["segments"]) {
        const json& w = s["walk_away"];
        o << "<li><b>" << escape(text_of(s, "name")) << "</b> are " << percent_text(num(s, "share"), 0)
          << " of customers. They expect a value of " << fixed_text(num(s, "value_expectation"), 2) << " out of 1. "
          << percent_text(num(w, "failed"), 1) << " of them walk away after a visit that fails, "
          << percent_text(num(w, "repeated"), 1) << " after having to repeat themselves, "
          << percent_text(num(w, "value_gap"), 1) << " for every 0.1 of value short of what they expect, and "
          << percent_text(num(w, "effort_hour"), 1)
          << " per hour of effort. Those who reach a good ending with friction "
             "behind them may still leave quietly (silent churn "
          << fixed_text(num(s, "silent_churn"), 2) << " per unit of friction carried).</li>\n";
      }
      o << "</ul>\n";
    }
    if (in.sensitivity) {
      // How much the answer moves with each number that describes the customers (not fixes: these
      // are assumptions, usually not measured), largest first.
      std::vector<const json*> rests;
      for (const auto& p : (*in.sensitivity)["parameters"])
        if (p["segment"].is_string() && p["derivative"].is_number()) rests.push_back(&p);
      std::stable_sort(rests.begin(), rests.end(), [](const json* a, const json* b) {
        return std::fabs(num(*a, "derivative")) > std::fabs(num(*b, "derivative"));
      });
      if (!rests.empty()) {
        o << "<p class=\"note\">How the defection rate moves with each number that describes the customers: these are "
             "assumptions, not fixes, and a large change says the answer rests on that number (a good place to spend "
             "effort "
             "on data; <code>cxsim sweep</code> shows its whole effect). Exact derivatives.</p>\n<div "
             "class=\"table-wrap\">"
             "<table id=\""
          << P
          << "table-rests-on\"><thead><tr><th class=\"text\">segment</th><th class=\"text\">number</th>"
             "<th>now</th><th>change of the defection rate per +0.1 (pp)</th></tr></thead><tbody>\n";
        for (const json* p : rests)
          o << "<tr><td class=\"text\">" << escape(text_of(*p, "segment")) << "</td><td class=\"text\">"
            << escape(text_of(*p, "attribute")) << "</td><td>" << attribute_text(num(*p, "current")) << "</td><td>"
            << fixed_text(0.1 * 100.0 * num(*p, "derivative"), 2, true) << "</td></tr>\n";
        o << "</tbody></table></div>\n";
      }
    }
    if (context.contains("economics") && context["economics"].is_object()) {
      const json& e = context["economics"];
      o << "<div class=\"table-wrap\"><table id=\"" << P
        << "table-economics\"><thead><tr><th class=\"text\">economics input</th><th>value</th></tr></thead><tbody>\n"
        << "<tr><td class=\"text\">customers entering the journey per year</td><td>"
        << grouped_text(num(e, "customers_per_year"))
        << "</td></tr>\n<tr><td class=\"text\">value of one customer lost</td><td>"
        << money(num(e, "value_per_customer")) << "</td></tr>\n<tr><td class=\"text\">currency</td><td>"
        << (currency.empty() ? "not given" : escape(currency)) << "</td></tr>\n";
      if (e["horizon_years"].is_number())
        o << "<tr><td class=\"text\">horizon of the net present value</td><td>"
          << e["horizon_years"].get<std::uint64_t>()
          << " years</td></tr>\n<tr><td class=\"text\">discount rate</td><td>"
          << percent_text(num(e, "discount_rate"), 1) << " a year</td></tr>\n";
      o << "</tbody></table></div>\n";
    } else {
      o << "<p class=\"note\">No economics in the scenario: no money figures.</p>\n";
    }
    o << "</section>\n";
  }

  // Exact beside the estimate.
  void exact_beside_estimate() {
    o << "<section id=\"" << P << "exact\">\n<h2>Estimates and exact figures</h2>\n";
    o << "<div class=\"table-wrap\"><table id=\"" << P
      << "table-exact\"><thead><tr><th class=\"text\">outcome</th><th>Monte Carlo</th>"
      << (exact ? "<th>exact</th>" : "") << "</tr></thead><tbody>\n";
    const auto row = [&](const std::string& what, const std::string& a, const std::string& b) {
      o << "<tr><td class=\"text\">" << what << "</td><td>" << a << "</td>" << (exact ? "<td>" + b + "</td>" : "")
        << "</tr>\n";
    };
    row("defection rate", pct(mc_rate), exact ? pct(rate) : "");
    for (const auto& [name, share] : run["outcomes"].items())
      row(escape(name), pct(share.get<double>()), exact ? pct(num((*in.exact)["outcomes"], name.c_str())) : "");
    o << "</tbody></table></div>\n";
    if (in.validation) {
      const json& v = *in.validation;
      o << "<p id=\"" << P << "validation\">"
        << (v["agrees"].get<bool>() ? "<strong>The two engines agree</strong>"
                                    : "<strong>The two engines disagree</strong>")
        << ": " << grouped_text(v["figures"].get<double>()) << " figures compared, the largest difference is "
        << fixed_text(v["max_abs_z"].get<double>(), 2) << " standard errors (" << escape(v["worst"].get<std::string>())
        << "); they agree when no figure is more than 5 apart.</p>\n";
    }
    o << "</section>\n";

    if (!in.notes.empty()) {
      o << "<section id=\"" << P << "notes\">\n<h2>Notes</h2>\n<ul>\n";
      for (const auto& n : in.notes) o << "<li>" << escape(n) << "</li>\n";
      o << "</ul>\n</section>\n";
    }
  }

  // Reproduce.
  void reproduce() {
    const json& r = in.reproduce;
    o << "<footer id=\"" << P << "reproduce\">\n<p>Made by " << escape(r.value("version", "")) << " on "
      << escape(r.value("date", "")) << ". Scenario <code>" << escape(r.value("scenario_file", ""))
      << "</code>, SHA-256 <code>" << escape(r.value("sha256", "")) << "</code>; seed "
      << escape(std::to_string(r.value("seed", std::uint64_t{0}))) << ", " << grouped_text(num(r, "customers"))
      << " customers.<br>To reproduce, in the folder of this page: <code>" << escape(r.value("command", ""))
      << "</code></p>\n</footer>\n";
  }

  // The figures behind the charts, for the page's script.
  void data() {
    json data;
    data["run"] = run;
    data["figures"] = fig;
    data["figures_are"] = exact ? "exact" : "simulated";
    data["ranked"] = ranked_ids;
    data["exact_defection_rate"] = exact ? json(rate) : json(nullptr);
    data["comparison"] = in.comparison ? *in.comparison : json(nullptr);
    data["sensitivity"] = in.sensitivity ? *in.sensitivity : json(nullptr);
    data["response"] = in.response ? *in.response : json(nullptr);
    data["response_name"] = response_name;
    data["sweeps"] = in.sweeps ? *in.sweeps : json(nullptr);
    data["exact"] = in.exact ? *in.exact : json(nullptr);
    data["validation"] = in.validation ? *in.validation : json(nullptr);
    data["context"] = context;
    data["reproduce"] = in.reproduce;
    o << "<script type=\"application/json\" id=\"" << P << "cxsim-data\" class=\"cxsim-data\" data-prefix=\"" << P
      << "\">" << script_json(data) << "</script>\n";
  }

 private:
  std::string money(double v) const { return money_text(v, currency); }

  std::ostringstream& o;
  const HtmlReportInput& in;
  const std::string& P;
  const json& run;
  const json& fig;  // the figures the page shows: exact when the journey could be solved, else the estimates
  const bool exact;
  const std::string currency;
  const json& context;
  const std::string title;
  const double mc_rate, rate;
  std::map<std::string, std::string> name_of;      // touchpoint id -> human name
  std::map<std::string, const json*> redesign_of;  // redesign name -> its context
  std::vector<const json*> ranked;                 // touchpoints by customers lost, most first
  json ranked_ids = json::array();
  std::string response_name;  // the touchpoint of the top pick's response curve
};

void write_scenario(std::ostringstream& o, const HtmlReportInput& in, const std::string& P) {
  ScenarioSections page(o, in, P);
  page.headline();
  page.journey_map();
  page.where_lost();
  page.personas();
  page.redesigns();
  page.best_redesign_map();
  page.what_to_fix();
  page.response_curves();
  page.assumptions();
  page.exact_beside_estimate();
  page.reproduce();
  page.data();
}

void write_head(std::ostringstream& o, const std::string& title, const std::string& version) {
  o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    << "<meta name=\"generator\" content=\"" << escape(version) << "\">\n"
    << "<title>" << escape(title) << "</title>\n<style>" << style << "</style>\n</head>\n<body>\n";
}

void write_scripts(std::ostringstream& o) {
  o << "<script>" << chart_js() << "</script>\n<script>" << script << "</script>\n</body>\n</html>\n";
}

// The best redesign of a journey (rank 1: by money when there is economics), or nullptr.
const json* best_redesign(const PortfolioJourney& j) {
  const json* best = nullptr;
  for (const auto& v : j.variants)
    if (!best || v["rank"].get<int>() < (*best)["rank"].get<int>()) best = &v;
  return best;
}

// A missing journey's place in the page: its title and why it has no sections.
void write_missing_section(std::ostringstream& o, const PortfolioJourney& j, const std::string& P) {
  o << "<header>\n<h1>" << escape(j.title) << "</h1>\n</header>\n<section id=\"" << P
    << "no-section\">\n<p class=\"problem\">No sections for this journey: its figures are in the decision table above "
       "only.</p>\n<ul>\n";
  for (const auto& p : j.problems) o << "<li>" << escape(p) << "</li>\n";
  o << "</ul>\n</section>\n";
}

}  // namespace

PortfolioJourney portfolio_journey(const HtmlReportInput& p) {
  PortfolioJourney j;
  j.title = page_title(p);
  const json& fig = p.exact ? *p.exact : p.run;
  j.exact = p.exact.has_value();
  j.defection_rate = num(fig, "defection_rate");
  j.currency = p.economics ? p.economics->value("currency", "") : "";
  if (p.economics)
    j.value_at_stake =
        j.defection_rate * num(*p.economics, "customers_per_year") * num(*p.economics, "value_per_customer");
  const json* worst = nullptr;
  for (const auto& t : fig["touchpoints"])
    if (num(t, "defections") > 0.0 && (!worst || num(t, "defections") > num(*worst, "defections"))) worst = &t;
  if (worst)
    j.where = (text_of(*worst, "name").empty() ? text_of(*worst, "id") : text_of(*worst, "name")) + " (" +
              per_1000(num(*worst, "defections")) + " per 1,000, " + main_cause(*worst) + ")";
  std::map<std::string, const json*> described;
  if (p.context.contains("redesigns"))
    for (const auto& r : p.context["redesigns"]) described[r["name"].get<std::string>()] = &r;
  if (p.comparison)
    for (const auto& v : (*p.comparison)["variants"]) {
      json row = v;
      const std::string name = v["name"].get<std::string>();
      const json* d = described.count(name) ? described[name] : nullptr;
      row["cost_per_year"] = d && (*d)["cost_per_year"].is_number() ? (*d)["cost_per_year"] : json(nullptr);
      row["description"] = d ? text_of(*d, "description") : "";
      j.variants.push_back(std::move(row));
    }
  return j;
}

std::string html_portfolio(const PortfolioInput& in) {
  std::vector<PortfolioJourney> journeys = in.journeys;
  if (journeys.empty())
    for (std::size_t i = 0; i < in.scenarios.size(); ++i) {
      journeys.push_back(portfolio_journey(in.scenarios[i]));
      journeys.back().section = i;
    }
  std::ostringstream o;
  std::size_t redesigns = 0;
  for (const auto& j : journeys) redesigns += j.variants.size();
  const bool batch = in.batch_rows.has_value();
  write_head(o, "Portfolio of " + std::to_string(journeys.size()) + " journeys — cxsim report", in.version);
  o << "<header>\n<h1>Portfolio: " << journeys.size() << " journeys, " << redesigns << " redesign"
    << (redesigns == 1 ? "" : "s") << "</h1>\n<p class=\"sub\">Customer journey friction report, " << escape(in.date)
    << (batch ? ". The decision table gives the batch's own figures; each journey in full below it.</p>\n<nav><ul>\n"
              : ". Each journey in full below the decision table.</p>\n<nav><ul>\n");
  for (std::size_t i = 0; i < journeys.size(); ++i)
    o << "<li><a href=\"#s" << i + 1 << "-scenario\">" << escape(journeys[i].title) << "</a></li>\n";
  o << "</ul></nav>\n</header>\n";
  if (!in.warnings.empty()) {
    o << "<section id=\"portfolio-warnings\">\n<h2>Read this first</h2>\n<ul>\n";
    for (const auto& w : in.warnings) o << "<li class=\"problem\">" << escape(w) << "</li>\n";
    o << "</ul>\n</section>\n";
  }

  // ---- one line per journey ----
  o << "<section id=\"portfolio-summary\">\n<h2>The journeys</h2>\n<div class=\"table-wrap\"><table "
       "id=\"table-journeys\"><thead><tr>"
       "<th class=\"text\">journey</th><th>customers who defect</th><th>value at stake per year</th><th "
       "class=\"text\">where "
       "most are lost</th><th class=\"text\">best redesign</th></tr></thead><tbody>\n";
  for (std::size_t i = 0; i < journeys.size(); ++i) {
    const PortfolioJourney& j = journeys[i];
    const json* best = best_redesign(j);
    std::string best_text = "no redesigns";
    if (best) {
      const std::string verdict =
          best->contains("economics") ? (*best)["economics"].value("verdict", "") : best->value("verdict", "");
      best_text = "<b>" + escape((*best)["name"].get<std::string>()) + "</b>: <span class=\"verdict-" +
                  (verdict == "pays" || (verdict == "better" && !best->contains("economics")) ? "better"
                   : verdict == "does not pay" || verdict == "worse"                          ? "worse"
                                                                                              : "none") +
                  "\">" + escape(verdict) + "</span>";
    }
    const std::string note = j.note.empty() ? "" : "<span class=\"desc problem\">" + escape(j.note) + "</span>";
    o << "<tr><td class=\"text\"><a href=\"#s" << i + 1 << "-scenario\">" << escape(j.title) << "</a>" << note
      << "</td><td>" << pct(j.defection_rate) << (j.exact ? "" : " (simulated)") << "</td><td>"
      << (j.value_at_stake ? money_text(*j.value_at_stake, j.currency) : std::string("-")) << "</td><td class=\"text\">"
      << (j.where.empty() ? std::string("-") : escape(j.where)) << "</td><td class=\"text\">" << best_text
      << "</td></tr>\n";
  }
  o << "</tbody></table></div>\n</section>\n";

  // ---- the decision table: every journey x redesign ----
  o << "<section id=\"decisions\">\n<h2>Every redesign, journey by journey</h2>\n<p class=\"note\">Best first within "
       "each "
       "journey. Changes in percentage points of the defection rate with their paired 95% intervals (simulation noise "
       "only), the exact change beside; money in each journey's own currency, as net benefit per year or, where the "
       "scenario gives a horizon, as net present value. Green: the redesign pays.</p>\n";
  if (!in.source.empty()) o << "<p class=\"note\" id=\"decisions-source\">" << escape(in.source) << "</p>\n";
  o << "<div "
       "class=\"table-wrap\"><table "
       "id=\"table-decisions\"><thead><tr><th class=\"text\">journey</th><th class=\"text\">redesign</th><th>cost per "
       "year</th>"
       "<th>change (pp)</th><th>95% interval (pp)</th><th>exact change (pp)</th><th>net benefit</th><th>95% "
       "interval</th>"
       "<th class=\"text\">money</th><th class=\"text\">defections</th></tr></thead><tbody>\n";
  for (std::size_t i = 0; i < journeys.size(); ++i) {
    const PortfolioJourney& j = journeys[i];
    const std::string& currency = j.currency;
    const std::string journey = "<a href=\"#s" + std::to_string(i + 1) + "-scenario\">" + escape(j.title) + "</a>";
    if (j.variants.empty()) {
      o << "<tr><td class=\"text\">" << journey << "</td><td class=\"text\" colspan=\"9\">no redesigns</td></tr>\n";
      continue;
    }
    std::vector<const json*> vs;
    for (const auto& v : j.variants) vs.push_back(&v);
    std::stable_sort(vs.begin(), vs.end(), [](const json* a, const json* b) { return (*a)["rank"] < (*b)["rank"]; });
    for (const json* v : vs) {
      const std::string name = (*v)["name"].get<std::string>();
      const std::string description = text_of(*v, "description");
      const std::string verdict = v->value("verdict", "");
      o << "<tr class=\"" << (v == vs.front() ? "first" : "more") << "\">";
      if (v == vs.front()) o << "<td class=\"text journey\" rowspan=\"" << vs.size() << "\">" << journey << "</td>";
      o << "<td class=\"text\"><b>" << escape(name) << "</b>"
        << (!description.empty() ? "<span class=\"desc\">" + escape(description) + "</span>" : "") << "</td><td>"
        << ((*v)["cost_per_year"].is_number() ? money_text((*v)["cost_per_year"].get<double>(), currency)
                                              : "none given")
        << "</td><td>" << pp(num(*v, "difference")) << "</td><td>" << pp((*v)["difference_ci95"][0].get<double>())
        << " to " << pp((*v)["difference_ci95"][1].get<double>()) << "</td><td>"
        << ((*v)["exact_difference"].is_number() ? pp((*v)["exact_difference"].get<double>()) : "-") << "</td>";
      std::string money_verdict;
      if (v->contains("economics")) {
        const json& e = (*v)["economics"];
        const bool npv = e["npv"].is_number();
        const json& ci = e[npv ? "npv_ci95" : "net_benefit_per_year_ci95"];
        money_verdict = e.value("verdict", "");
        o << "<td>" << money_text(num(e, npv ? "npv" : "net_benefit_per_year"), currency) << (npv ? " NPV" : " a year")
          << "</td><td>"
          << (ci.is_array()
                  ? money_text(ci[0].get<double>(), currency) + " to " + money_text(ci[1].get<double>(), currency)
                  : std::string("-"))
          << "</td><td class=\"text verdict-"
          << (money_verdict == "pays"           ? "better"
              : money_verdict == "does not pay" ? "worse"
                                                : "none")
          << "\">" << escape(money_verdict) << "</td>";
      } else {
        o << "<td>-</td><td>-</td><td class=\"text\">no economics</td>";
      }
      o << verdict_cell(verdict, !v->contains("economics") || money_verdict == "pays") << "</tr>\n";
    }
  }
  o << "</tbody></table></div>\n</section>\n";

  for (std::size_t i = 0; i < journeys.size(); ++i) {
    const std::string P = "s" + std::to_string(i + 1) + "-";
    o << "<article class=\"scenario\" id=\"" << P << "scenario\">\n";
    if (journeys[i].section && *journeys[i].section < in.scenarios.size())
      write_scenario(o, in.scenarios[*journeys[i].section], P);
    else
      write_missing_section(o, journeys[i], P);
    o << "</article>\n";
  }
  o << "<footer id=\"portfolio-reproduce\">\n<p>Made by " << escape(in.version) << " on " << escape(in.date)
    << ". To reproduce the whole page, in its folder: <code>" << escape(in.command) << "</code>";
  if (!in.batch_command.empty())
    o << "<br>The batch behind the decision table, from the same folder: <code>" << escape(in.batch_command)
      << "</code>";
  o << "</p>\n</footer>\n";
  if (in.batch_rows)
    o << "<script type=\"application/json\" id=\"cxsim-batch\">" << script_json(*in.batch_rows) << "</script>\n";
  write_scripts(o);
  return o.str();
}

std::string html_report(const HtmlReportInput& in) {
  std::ostringstream o;
  write_head(o, page_title(in) + " — cxsim report", in.reproduce.value("version", "cxsim"));
  write_scenario(o, in, "");
  write_scripts(o);
  return o.str();
}

}  // namespace cxsim
