#include "io/html_report.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

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

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}
std::string pct(double share) { return fmt("%.2f%%", 100.0 * share); }
std::string per_1000(double share) { return fmt("%.1f", 1000.0 * share); }
std::string money(double v) {
  // 4692000 -> 4,692,000
  std::string digits = fmt("%.0f", std::fabs(v));
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
  return (v < 0 ? "-" : "") + digits;
}
double num(const json& j, const char* key) { return j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0.0; }

// JSON inside <script>: '<', '>' and '&' only occur inside strings, where \uXXXX is the same text.
std::string script_json(const json& j) {
  const std::string text = j.dump();
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '<') out += "\\u003c";
    else if (c == '>') out += "\\u003e";
    else if (c == '&') out += "\\u0026";
    else out += c;
  }
  return out;
}

const char* const style = R"css(
:root { --ink: #1d232b; --muted: #5b6470; --rule: #d8dde3; --accent: #b10026; }
* { box-sizing: border-box; }
body { font-family: "Helvetica Neue", Helvetica, Arial, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1100px;
       padding: 24px 32px 48px; line-height: 1.45; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 8px; border-bottom: 2px solid var(--ink); padding-bottom: 4px; }
p.sub, .note, figcaption, .muted { color: var(--muted); }
.cards { display: flex; flex-wrap: wrap; gap: 16px; margin: 16px 0; }
.card { flex: 1 1 220px; border: 1px solid var(--rule); border-radius: 8px; padding: 12px 16px; }
.card .big { font-size: 30px; font-weight: 700; color: var(--accent); }
.card .what { font-size: 14px; color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 8px 0 16px; }
th, td { border-bottom: 1px solid var(--rule); padding: 4px 6px; text-align: right; }
th:first-child, td:first-child, td.text, th.text { text-align: left; }
thead th { border-bottom: 2px solid var(--ink); }
.map { overflow-x: auto; border: 1px solid var(--rule); border-radius: 8px; padding: 8px; }
.map svg { max-width: 100%; height: auto; }
.map.wide svg { max-width: none; width: auto; height: 460px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px; }
figure { margin: 0; }
.chart { position: relative; height: 280px; }
.chart.tall { height: 380px; }
.verdict-better { color: #1a7f37; font-weight: 600; }
.verdict-worse { color: var(--accent); font-weight: 600; }
footer { margin-top: 40px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--rule); padding-top: 8px; }
footer code { word-break: break-all; }
@media print {
  body { max-width: none; padding: 0; }
  .map.wide svg { max-width: 100%; width: 100%; height: auto; }
  section { break-inside: avoid-page; }
  .map { border: none; }
}
)css";

// Our charts, drawn from the embedded data with Chart.js. Colours: Okabe-Ito, safe for colour blindness.
const char* const script = R"js(
(function () {
  var errors = [];
  window.addEventListener('error', function (e) { errors.push(String(e.message)); });
  var data = JSON.parse(document.getElementById('cxsim-data').textContent);
  var causes = ['reliability', 'relevance', 'value', 'effort', 'route'];
  var colour = { reliability: '#0072B2', relevance: '#E69F00', value: '#009E73', effort: '#CC79A7', route: '#999999' };
  Chart.defaults.animation = false;
  Chart.defaults.font.family = '"Helvetica Neue", Helvetica, Arial, sans-serif';
  Chart.defaults.maintainAspectRatio = false;
  function perThousand(x) { return Math.round(x * 10000) / 10; }
  function byCause(id, labels, rows, title) {
    var el = document.getElementById(id);
    if (!el) return;
    new Chart(el, {
      type: 'bar',
      data: { labels: labels, datasets: causes.map(function (c) {
        return { label: c, backgroundColor: colour[c], data: rows.map(function (r) { return perThousand(r.defections_by_cause[c]); }) };
      }) },
      options: { indexAxis: 'y', plugins: { title: { display: true, text: title }, legend: { position: 'bottom' } },
                 scales: { x: { stacked: true, title: { display: true, text: 'customers lost per 1,000' } }, y: { stacked: true } } }
    });
  }
  var run = data.run;
  var ranked = data.ranked.map(function (id) { return run.touchpoints.find(function (t) { return t.id === id; }); });
  byCause('chart-touchpoints', ranked.map(function (t) { return t.id; }), ranked, 'Where customers are lost, by cause');
  byCause('chart-stages', run.stages.map(function (s) { return s.stage || '(no stage)'; }), run.stages, 'By stage');
  byCause('chart-channels', run.channels.map(function (s) { return s.channel || '(no channel)'; }), run.channels, 'By channel');
  var seg = document.getElementById('chart-segments');
  if (seg) new Chart(seg, {
    type: 'bar',
    data: { labels: run.segments.map(function (s) { return s.name; }),
            datasets: [{ label: 'defection rate (%)', backgroundColor: '#56B4E9',
                         data: run.segments.map(function (s) { return s.defection_rate === null ? 0 : Math.round(s.defection_rate * 10000) / 100; }) }] },
    options: { indexAxis: 'y', plugins: { title: { display: true, text: 'By segment' }, legend: { display: false } },
               scales: { x: { title: { display: true, text: 'defection rate (%)' } } } }
  });
  var forest = document.getElementById('chart-forest');
  if (forest && data.comparison) {
    var vs = data.comparison.variants.slice().sort(function (a, b) { return a.difference - b.difference; });
    var names = vs.map(function (v) { return v.name; });
    new Chart(forest, {
      type: 'bar',
      data: { labels: names, datasets: [
        { type: 'bar', label: '95% interval', backgroundColor: 'rgba(0,114,178,0.35)', barPercentage: 0.35,
          data: vs.map(function (v) { return [v.difference_ci95[0] * 100, v.difference_ci95[1] * 100]; }) },
        { type: 'scatter', label: 'estimate', backgroundColor: '#0072B2', pointRadius: 5,
          data: vs.map(function (v) { return { x: v.difference * 100, y: v.name }; }) },
        { type: 'scatter', label: 'exact', backgroundColor: '#D55E00', pointStyle: 'crossRot', pointRadius: 7, borderColor: '#D55E00',
          data: vs.filter(function (v) { return v.exact_difference !== null; }).map(function (v) { return { x: v.exact_difference * 100, y: v.name }; }) }
      ] },
      options: { indexAxis: 'y', plugins: { title: { display: true, text: 'Change of the defection rate against the baseline (percentage points; left is better)' },
                 legend: { position: 'bottom' } },
                 scales: { x: { title: { display: true, text: 'percentage points' } }, y: { type: 'category', labels: names } } }
    });
  }
  var response = document.getElementById('chart-response');
  if (response && data.response) {
    var curve = data.response.sweeps[0];
    new Chart(response, {
      type: 'line',
      data: { datasets: [
        { label: 'defection rate (exact, %)', borderColor: '#0072B2', backgroundColor: '#0072B2', pointRadius: 2,
          data: curve.points.map(function (p) { return { x: p.value, y: p.defection_rate_exact * 100 }; }) },
        { type: 'scatter', label: 'today', backgroundColor: '#D55E00', pointRadius: 6,
          data: [{ x: curve.current, y: data.exact_defection_rate * 100 }] }
      ] },
      options: { plugins: { title: { display: true, text: 'Response curve: ' + (curve.touchpoint || curve.segment) + ' ' + curve.attribute },
                            legend: { position: 'bottom' } },
                 scales: { x: { type: 'linear', min: 0, max: 1, title: { display: true, text: curve.attribute } },
                           y: { title: { display: true, text: 'defection rate (%)' } } } }
    });
  }
  // What a test (or a curious reader) can check: every chart and the map drawn, with a size.
  var check = { errors: errors, charts: [], map: null };
  document.querySelectorAll('canvas').forEach(function (c) {
    var r = c.getBoundingClientRect();
    check.charts.push({ id: c.id, width: r.width, height: r.height, drawn: !!Chart.getChart(c) });
  });
  var svg = document.querySelector('#journey-map svg');
  if (svg) { var b = svg.getBoundingClientRect(); check.map = { width: b.width, height: b.height, nodes: svg.querySelectorAll('g.node').length }; }
  document.body.setAttribute('data-render-check', JSON.stringify(check));
})();
)js";

// A map much wider than high is shown at a readable height and scrolls sideways (printed, it fits the page).
bool wide_svg(const std::string& svg) {
  double width = 0.0, height = 0.0;
  if (std::sscanf(svg.c_str(), "<svg width=\"%lfpt\" height=\"%lfpt\"", &width, &height) != 2) return false;
  return height > 0.0 && width / height > 2.2;
}

void table_row(std::ostringstream& o, const std::vector<std::string>& cells, bool first_text = true) {
  o << "<tr>";
  for (std::size_t i = 0; i < cells.size(); ++i) o << (i == 0 && first_text ? "<td class=\"text\">" : "<td>") << cells[i] << "</td>";
  o << "</tr>\n";
}

}  // namespace

std::string html_report(const HtmlReportInput& in) {
  const json& run = in.run;
  std::ostringstream o;
  const std::string title = in.scenario + (in.variant == "baseline" ? "" : " — " + in.variant);
  o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    << "<meta name=\"generator\" content=\"" << escape(in.reproduce.value("version", "cxsim")) << "\">\n"
    << "<title>" << escape(title) << " — cxsim report</title>\n<style>" << style << "</style>\n</head>\n<body>\n";

  // ---- headline ----
  const double rate = num(run, "defection_rate");
  o << "<header>\n<h1>" << escape(title) << "</h1>\n<p class=\"sub\">Customer journey friction report: "
    << run.value("customers", 0) << " simulated customers, seed " << run.value("seed", 0) << ", "
    << escape(in.reproduce.value("date", "")) << "</p>\n</header>\n";
  o << "<section id=\"headline\">\n<div class=\"cards\">\n";
  o << "<div class=\"card\"><div class=\"big\" id=\"headline-rate\">" << pct(rate) << "</div><div class=\"what\">of customers defect"
    << " (95% interval " << pct(run["defection_ci95"][0].get<double>()) << " to " << pct(run["defection_ci95"][1].get<double>())
    << ")</div></div>\n";
  o << "<div class=\"card\"><div class=\"big\" id=\"headline-lost\">" << fmt("%.0f", 1000.0 * rate)
    << "</div><div class=\"what\">customers lost for every 1,000 who start the journey</div></div>\n";
  if (in.exact)
    o << "<div class=\"card\"><div class=\"big\" id=\"headline-exact\">" << pct(num(*in.exact, "defection_rate"))
      << "</div><div class=\"what\">the exact expected defection rate (no sampling)</div></div>\n";
  if (in.economics) {
    const double lost = rate * num(*in.economics, "customers_per_year") * num(*in.economics, "value_per_customer");
    o << "<div class=\"card\"><div class=\"big\" id=\"headline-value\">" << money(lost) << " "
      << escape(in.economics->value("currency", "")) << "</div><div class=\"what\">value lost per year ("
      << money(num(*in.economics, "customers_per_year")) << " customers a year, " << money(num(*in.economics, "value_per_customer"))
      << " each)</div></div>\n";
  }
  o << "</div>\n</section>\n";

  // ---- the map ----
  o << "<section id=\"journey-map\">\n<h2>The journey</h2>\n<p class=\"note\">Touchpoints are coloured by the customers lost "
       "there (per 1,000 who start), grouped by stage; arrows are as wide as the flow of customers along them. "
       "Hover over a touchpoint for its figures. Exact expected figures.</p>\n<div class=\""
    << (wide_svg(in.journey_svg) ? "map wide" : "map") << "\">" << in.journey_svg << "</div>\n</section>\n";

  // ---- where customers are lost ----
  std::vector<const json*> ranked;
  json ranked_ids = json::array();
  for (const auto& t : run["touchpoints"])
    if (num(t, "defections") > 0.0) ranked.push_back(&t);
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const json* a, const json* b) { return num(*a, "defections") > num(*b, "defections"); });
  o << "<section id=\"where-lost\">\n<h2>Where customers are lost</h2>\n<p class=\"note\">Every defection is blamed on one "
       "touchpoint and one cause: where the customer gave up, the visit that sent them to a defection ending, or the "
       "last straw before they left silently. Customers per 1,000 who start the journey.</p>\n";
  o << "<table id=\"table-lost\"><thead><tr><th class=\"text\">touchpoint</th><th class=\"text\">stage</th><th "
       "class=\"text\">channel</th><th>lost</th><th>abandoned</th><th>routed</th><th>silent</th>";
  for (const char* cause : cause_names) o << "<th>" << cause << "</th>";
  o << "</tr></thead><tbody>\n";
  for (const json* t : ranked) {
    ranked_ids.push_back((*t)["id"]);
    const json& c = (*t)["defections_by_cause"];
    o << "<tr><td class=\"text\">" << escape((*t)["id"].get<std::string>()) << "</td><td class=\"text\">"
      << escape((*t).value("stage", "")) << "</td><td class=\"text\">" << escape((*t).value("channel", "")) << "</td><td>"
      << per_1000(num(*t, "defections")) << "</td><td>" << per_1000(num(*t, "abandoned")) << "</td><td>"
      << per_1000(num(*t, "routed")) << "</td><td>" << per_1000(num(*t, "silent")) << "</td>";
    for (const char* cause : cause_names) o << "<td>" << per_1000(num(c, cause)) << "</td>";
    o << "</tr>\n";
  }
  o << "</tbody></table>\n<div class=\"charts\">\n"
    << "<figure><div class=\"chart tall\"><canvas id=\"chart-touchpoints\"></canvas></div></figure>\n"
    << "<figure><div class=\"chart\"><canvas id=\"chart-stages\"></canvas></div></figure>\n"
    << "<figure><div class=\"chart\"><canvas id=\"chart-channels\"></canvas></div></figure>\n"
    << "<figure><div class=\"chart\"><canvas id=\"chart-segments\"></canvas></div></figure>\n</div>\n</section>\n";

  // ---- who is lost where: one persona at a time ----
  if (in.personas && !in.personas->empty()) {
    o << "<section id=\"personas\">\n<h2>Who is lost where, by segment</h2>\n<p class=\"note\">Each segment's own "
         "customers walked alone (exact figures): its defection rate, and the three touchpoints where it loses most, per "
         "1,000 customers of that segment, with the main cause.</p>\n"
      << "<table id=\"table-personas\"><thead><tr><th class=\"text\">segment</th><th>share of customers</th><th>"
         "defection rate</th><th class=\"text\">where they are lost (per 1,000 of the segment)</th></tr></thead><tbody>\n";
    for (const json& p : *in.personas) {
      std::string where;
      for (const json& w : p["where"]) {
        const std::string name = w.value("name", "");
        where += (where.empty() ? "" : "; ") + escape(name.empty() ? w["id"].get<std::string>() : name) + " " +
                 fmt("%.1f", num(w, "lost_per_1000")) + " (" + escape(w["cause"].get<std::string>()) + ")";
      }
      o << "<tr><td class=\"text\">" << escape(p["name"].get<std::string>()) << "</td><td>" << pct(num(p, "share"))
        << "</td><td>" << pct(num(p, "defection_rate")) << "</td><td class=\"text\">" << (where.empty() ? "-" : where)
        << "</td></tr>\n";
    }
    o << "</tbody></table>\n</section>\n";
  }

  // ---- redesigns ----
  if (in.comparison) {
    const json& c = *in.comparison;
    o << "<section id=\"redesigns\">\n<h2>The redesigns against the baseline</h2>\n<p class=\"note\">Each redesign walked "
         "the same " << c.value("customers", 0) << " customers as the baseline (paired on common random numbers), so the "
         "differences are measured precisely. Intervals are 95%; the exact difference is shown beside each.</p>\n"
      << "<figure><div class=\"chart\"><canvas id=\"chart-forest\"></canvas></div></figure>\n"
      << "<table id=\"table-redesigns\"><thead><tr><th class=\"text\">redesign</th><th>defection rate</th><th>change (pp)</th>"
         "<th>95% interval (pp)</th><th>exact change (pp)</th><th>kept per 1,000</th>";
    const bool value = in.economics.has_value();
    if (value) o << "<th>net benefit per year</th><th>95% interval (simulation noise)</th><th class=\"text\">money</th>";
    o << "<th class=\"text\">defections</th></tr></thead><tbody>\n";
    std::vector<const json*> vs;
    for (const auto& v : c["variants"]) vs.push_back(&v);
    std::stable_sort(vs.begin(), vs.end(), [](const json* a, const json* b) { return (*a)["rank"] < (*b)["rank"]; });
    for (const json* v : vs) {
      const std::string verdict = (*v).value("verdict", "");
      o << "<tr><td class=\"text\">" << escape((*v)["name"].get<std::string>()) << "</td><td>"
        << pct(num((*v)["result"], "defection_rate")) << "</td><td>" << fmt("%+.2f", 100 * num(*v, "difference"))
        << "</td><td>" << fmt("%+.2f", 100 * (*v)["difference_ci95"][0].get<double>()) << " to "
        << fmt("%+.2f", 100 * (*v)["difference_ci95"][1].get<double>()) << "</td><td>"
        << ((*v)["exact_difference"].is_number() ? fmt("%+.2f", 100 * (*v)["exact_difference"].get<double>()) : "-")
        << "</td><td>" << fmt("%.1f", num(*v, "customers_kept_per_1000")) << "</td>";
      // With money on the page, green is for a redesign that pays, whatever it does to defections.
      std::string money_verdict;
      if (value) {
        if ((*v).contains("economics") && (*v)["economics"].is_object()) {
          const json& e = (*v)["economics"];
          money_verdict = e.value("verdict", "");
          o << "<td>" << money(num(e, "net_benefit_per_year")) << "</td><td>" << money(e["net_benefit_per_year_ci95"][0].get<double>())
            << " to " << money(e["net_benefit_per_year_ci95"][1].get<double>()) << "</td><td class=\"text verdict-"
            << (money_verdict == "pays" ? "better" : money_verdict == "does not pay" ? "worse" : "none") << "\">"
            << escape(money_verdict) << "</td>";
        } else {
          o << "<td>-</td><td>-</td><td>-</td>";
        }
      }
      const bool green = verdict == "better" && (!value || money_verdict == "pays");
      o << "<td class=\"text verdict-" << (green ? "better" : verdict == "worse" ? "worse" : "none") << "\">"
        << escape(verdict) << "</td></tr>\n";
    }
    o << "</tbody></table>\n</section>\n";
  }

  // ---- what to fix first ----
  if (in.sensitivity) {
    const json& s = *in.sensitivity;
    o << "<section id=\"what-to-fix\">\n<h2>What to fix first</h2>\n<p class=\"note\">Each touchpoint attribute tried "
      << s["step"].get<double>() << " better on its own, exactly re-solved, ranked by customers kept. "
         "\"If perfect\" sets the attribute to 1.</p>\n"
      << "<table id=\"table-fix\"><thead><tr><th class=\"text\">touchpoint</th><th class=\"text\">attribute</th><th>now</th>"
         "<th>tried</th><th>kept per 1,000</th><th>kept if perfect</th>";
    const bool value = in.economics.has_value();
    if (value) o << "<th>value kept per year</th>";
    o << "</tr></thead><tbody>\n";
    for (const auto& p : s["parameters"]) {
      if (!p["delta_defection_step"].is_number()) continue;
      o << "<tr><td class=\"text\">" << escape(p["touchpoint"].get<std::string>()) << "</td><td class=\"text\">"
        << escape(p["attribute"].get<std::string>()) << "</td><td>" << fmt("%.3g", num(p, "current")) << "</td><td>"
        << fmt("%.3g", num(p, "improved")) << "</td><td>" << fmt("%.1f", num(p, "customers_kept_per_1000")) << "</td><td>"
        << fmt("%.1f", -1000 * num(p, "delta_if_perfect")) << "</td>";
      if (value) o << "<td>" << money(num(p, "value_kept_per_year")) << "</td>";
      o << "</tr>\n";
    }
    o << "</tbody></table>\n";
    if (in.response)
      o << "<figure><div class=\"chart\"><canvas id=\"chart-response\"></canvas></div><figcaption>How the defection rate "
           "responds as the top pick moves from 0 to 1 (exact, one solve per point).</figcaption></figure>\n";
    o << "</section>\n";
  }

  // ---- exact beside the estimate ----
  o << "<section id=\"exact\">\n<h2>Estimates and exact figures</h2>\n";
  o << "<table id=\"table-exact\"><thead><tr><th class=\"text\">outcome</th><th>Monte Carlo</th>"
    << (in.exact ? "<th>exact</th>" : "") << "</tr></thead><tbody>\n";
  table_row(o, {"defection rate", pct(rate), in.exact ? pct(num(*in.exact, "defection_rate")) : ""});
  for (const auto& [name, share] : run["outcomes"].items())
    table_row(o, {escape(name), pct(share.get<double>()), in.exact ? pct(num((*in.exact)["outcomes"], name.c_str())) : ""});
  o << "</tbody></table>\n";
  if (in.validation) {
    const json& v = *in.validation;
    o << "<p id=\"validation\">" << (v["agrees"].get<bool>() ? "<strong>The two engines agree</strong>" : "<strong>The two engines disagree</strong>")
      << ": " << v["figures"].get<std::size_t>() << " figures compared, the largest difference is "
      << fmt("%.2f", v["max_abs_z"].get<double>()) << " standard errors (" << escape(v["worst"].get<std::string>())
      << "); they agree when no figure is more than 5 apart.</p>\n";
  }
  o << "</section>\n";

  if (!in.notes.empty()) {
    o << "<section id=\"notes\">\n<h2>Notes</h2>\n<ul>\n";
    for (const auto& n : in.notes) o << "<li>" << escape(n) << "</li>\n";
    o << "</ul>\n</section>\n";
  }

  // ---- reproduce ----
  const json& r = in.reproduce;
  o << "<footer id=\"reproduce\">\n<p>Made by " << escape(r.value("version", "")) << " on " << escape(r.value("date", ""))
    << ". Scenario <code>" << escape(r.value("scenario_file", "")) << "</code>, SHA-256 <code>"
    << escape(r.value("sha256", "")) << "</code>; seed " << r.value("seed", 0) << ", " << r.value("customers", 0)
    << " customers.<br>To reproduce: <code>" << escape(r.value("command", "")) << "</code></p>\n</footer>\n";

  json data;
  data["run"] = run;
  data["ranked"] = ranked_ids;
  data["exact_defection_rate"] = in.exact ? json(num(*in.exact, "defection_rate")) : json(nullptr);
  data["comparison"] = in.comparison ? *in.comparison : json(nullptr);
  data["sensitivity"] = in.sensitivity ? *in.sensitivity : json(nullptr);
  data["response"] = in.response ? *in.response : json(nullptr);
  data["exact"] = in.exact ? *in.exact : json(nullptr);
  data["validation"] = in.validation ? *in.validation : json(nullptr);
  data["reproduce"] = in.reproduce;
  o << "<script type=\"application/json\" id=\"cxsim-data\">" << script_json(data) << "</script>\n";
  o << "<script>" << chart_js() << "</script>\n<script>" << script << "</script>\n</body>\n</html>\n";
  return o.str();
}

}  // namespace cxsim
