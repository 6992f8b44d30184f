#pragma once
// `cxsim report`: one self-contained HTML page for people who will not read JSON. Everything is
// inline (the journey map as SVG, Chart.js, the data), so it opens offline in any browser and
// prints. The page's numbers come from the same JSON the other commands write, embedded whole
// in the page (<script type="application/json" id="cxsim-data">).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cxsim {

struct HtmlReportInput {
  std::string scenario, variant = "baseline";
  nlohmann::ordered_json run;                   // `run --format json` of the Monte Carlo run
  std::optional<nlohmann::ordered_json> exact;  // `exact --format json`, when it could be solved
  std::string journey_svg;                      // the heat map (Graphviz)
  std::string map_legend;                       // HTML below the map (io/journey_map.hpp)
  // The best redesign drawn against the baseline (a difference map), when there is one to draw.
  std::string redesign_map_name, redesign_map_svg, redesign_map_legend;
  std::optional<nlohmann::ordered_json> comparison;   // `compare --format json`, with redesigns
  std::optional<nlohmann::ordered_json> sensitivity;  // `sensitivity --format json`
  std::optional<nlohmann::ordered_json> response;     // `sweep --format json` of the top pick
  std::optional<nlohmann::ordered_json> sweeps;       // `sweep --format json` of the scenario's own `sweeps`
  // Per segment (exact): [{name, share, defection_rate, lost_per_1000, where: [{id, name,
  // lost_per_1000, cause}]}]: where each segment's own customers are lost (a persona view).
  std::optional<nlohmann::ordered_json> personas;
  std::optional<nlohmann::ordered_json> validation;  // {agrees, figures, max_abs_z, worst}
  std::optional<nlohmann::ordered_json> economics;   // {customers_per_year, value_per_customer, currency}
  // io/report_context.hpp: redesign descriptions and costs, segments, economics inputs.
  nlohmann::ordered_json context = nlohmann::ordered_json::object();
  // {scenario_file (relative to the page), sha256, seed, customers, version, date, command}
  nlohmann::ordered_json reproduce;
  std::vector<std::string> notes;  // what was left out and why
};

std::string html_report(const HtmlReportInput& in);

// One journey of a portfolio as its summary line and the decision table show it, whatever the
// figures come from: the comparison made for the page, or the rows of a batch results file.
struct PortfolioJourney {
  std::string title;
  std::optional<std::size_t> section;  // its sections: PortfolioInput::scenarios[*section]
  double defection_rate = 0.0;
  bool exact = false;                    // the rate is the exact solver's (else simulated)
  std::optional<double> value_at_stake;  // per year, in `currency`
  std::string currency;
  std::string where;  // where most are lost: "name (x per 1,000, cause)", or empty
  // The redesigns as `compare --format json` gives them (`name`, `rank`, `difference`,
  // `difference_ci95`, `exact_difference`, `verdict`, `economics`), each with `cost_per_year`
  // (null: none given) and `description` added.
  nlohmann::ordered_json variants = nlohmann::ordered_json::array();
  std::vector<std::string> problems;  // said in place of missing sections (and at the top of the page)
  std::string note;                   // a short word on them in the journey's line
};
// A journey's line and decisions from the page made for it (`cxsim report A.yaml B.yaml`).
PortfolioJourney portfolio_journey(const HtmlReportInput& page);

// `cxsim report A.yaml B.yaml ...` or `cxsim report --batch RESULTS`: one page for a portfolio
// of scenarios. First a line per journey and the decision table (every journey x redesign:
// change, interval, net benefit, verdict), then each journey's sections as on its own page
// (ids prefixed "s1-", "s2-"... by the journey's place).
struct PortfolioInput {
  std::vector<HtmlReportInput> scenarios;
  // Empty: one per scenario, from its own page (portfolio_journey). From a batch: one per
  // scenario of the file, in its order, each naming its section if it has one.
  std::vector<PortfolioJourney> journeys;
  std::string command, version, date;  // how to make the page again, from its folder
  // From a batch: where the table's figures come from (plain text), the command of the batch
  // (from the page's folder), the batch's rows as read (embedded in the page whole), and what is
  // wrong with the batch or its scenarios (shown at the top and beside each journey).
  std::string source, batch_command;
  std::optional<nlohmann::ordered_json> batch_rows;
  std::vector<std::string> warnings;
};
std::string html_portfolio(const PortfolioInput& in);

// The whole of Chart.js (minified), embedded at build time from Debian's libjs-chart.js.
std::string_view chart_js();

}  // namespace cxsim
