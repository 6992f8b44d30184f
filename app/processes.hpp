#pragma once
// The processes of one `cxsim run` started by an MPI launcher (`mpirun -np K cxsim run ...`,
// built with -DCXSIM_MPI=ON). Every process loads the scenario; each walks its fixed block of
// customers on its own threads; the tallies are gathered and summed in block order, so every
// figure is identical to a single-process run. Only the first process writes anything.
// Without CXSIM_MPI, or when no launcher started cxsim, there is one process and MPI is never
// initialised.
#include <functional>
#include <stdexcept>

#include "sim/monte_carlo.hpp"

namespace cxsim {

// Another process failed (and reported why); this one stops quietly.
struct PeerFailed : std::runtime_error {
  PeerFailed() : std::runtime_error("another process of the run failed") {}
};

class Processes {
 public:
  Processes(int& argc, char**& argv);
  ~Processes();
  Processes(const Processes&) = delete;
  Processes& operator=(const Processes&) = delete;

  // The processes of this run, as main() set them up.
  static const Processes& current();

  int rank() const { return rank_; }
  int count() const { return count_; }
  bool first() const { return rank_ == 0; }
  // This process's share of the customers, for MonteCarloSettings::processes.
  ProcessShare share() const;
  // Runs f here, then tells every process whether every process succeeded: rethrows this
  // process's own error, or throws PeerFailed when only another's failed. Keeps a failure on
  // one process (an output only the first opens) from leaving the others waiting forever.
  void all_or_none(const std::function<void()>& f) const;
  // Ends every process of the job: for a failure in the middle of a collective step.
  [[noreturn]] void abort(int code) const;

 private:
  int rank_ = 0, count_ = 1;
  bool joined_ = false;
};

}  // namespace cxsim
