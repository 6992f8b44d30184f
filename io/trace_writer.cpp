#include "io/trace_writer.hpp"

#include <optional>
#include <sstream>

#include "io/csv_escape.hpp"

namespace cxsim {

namespace {

// Holds back one row so the customer's outcome can go on their last one.
class TraceObserver {
 public:
  static constexpr bool active = true;
  TraceObserver(std::ostream& out, const Journey& j, const Population& p, std::string lead)
      : out_(out), journey_(j), population_(p), lead_(std::move(lead)) {}

  void visit(const VisitRecord& r) {
    flush("");
    pending_ = r;
  }
  void end(Ending e) { flush(ending_names[static_cast<int>(e)]); }

 private:
  void flush(const char* outcome) {
    if (!pending_) {
      if (*outcome) out_ << lead_ << ",,,,,,,,,,," << outcome << '\n';  // a walk with no visit at all
      return;
    }
    const VisitRecord& r = *pending_;
    const auto b = [](bool x) { return x ? "1" : "0"; };
    out_ << lead_ << r.customer << ',' << csv_escape(population_.segment(r.segment).name) << ',' << r.step << ','
         << csv_escape(journey_.touchpoint(r.touchpoint).id) << ',';
    if (r.terminal)
      out_ << ",,,,";
    else
      out_ << b(r.failed) << ',' << b(r.averted) << ',' << b(r.repeated) << ',' << r.friction << ',';
    out_ << r.load << ',' << (r.terminal ? "" : b(r.forgiven)) << ',' << b(r.guard) << ',' << outcome << '\n';
    pending_.reset();
  }

  std::ostream& out_;
  const Journey& journey_;
  const Population& population_;
  std::optional<VisitRecord> pending_;
  std::string lead_;  // the scenario and variant cells
};

}  // namespace

void write_trace(std::ostream& out, const Journey& journey, const Population& population, const WalkSettings& settings,
                 std::uint64_t count, const std::string& scenario, const std::string& variant) {
  out.precision(10);
  out << "scenario,variant,customer,segment,step,touchpoint,failed,averted,repeated,friction_added,load,forgiven,guard,"
         "outcome\n";
  WalkScratch scratch(journey.size());
  Tally tally(journey.size(), population.size());
  TraceObserver observer(out, journey, population, csv_escape(scenario) + ',' + csv_escape(variant) + ',');
  for (std::uint64_t c = 0; c < count && out; ++c)  // a failed write ends it: the caller reports it
    walk_customer<FrictionModel>(journey, population, settings, c, scratch, tally, observer);
}

}  // namespace cxsim
