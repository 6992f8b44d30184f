#include "app/processes.hpp"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <limits>
#include <vector>

#ifdef CXSIM_MPI
#include <mpi.h>
#endif

namespace cxsim {

namespace {

const Processes* the_processes = nullptr;

#ifdef CXSIM_MPI
// Open MPI's, MPICH's (Hydra) and PMIx launchers each set one of these in every process.
bool started_by_launcher() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
    if (std::getenv(name)) return true;
  return false;
}

// A tally as bytes and back: counts and fixed-point sums are plain integers, so the bytes carry
// them exactly and the sum in block order is the single-process sum.
std::vector<char> pack(const Tally& t) {
  std::vector<char> out;
  auto put = [&](const void* p, std::size_t n) {
    const auto* c = static_cast<const char*>(p);
    out.insert(out.end(), c, c + n);
  };
  put(&t.customers, sizeof t.customers);
  put(&t.steps, sizeof t.steps);
  put(t.endings.data(), sizeof t.endings);
  put(t.touchpoints.data(), t.touchpoints.size() * sizeof(TouchpointTally));
  put(t.segments.data(), t.segments.size() * sizeof(SegmentTally));
  return out;
}

Tally unpack(const char* p, std::size_t touchpoints, std::size_t segments) {
  Tally t(touchpoints, segments);
  auto get = [&](void* into, std::size_t n) {
    std::memcpy(into, p, n);
    p += n;
  };
  get(&t.customers, sizeof t.customers);
  get(&t.steps, sizeof t.steps);
  get(t.endings.data(), sizeof t.endings);
  get(t.touchpoints.data(), touchpoints * sizeof(TouchpointTally));
  get(t.segments.data(), segments * sizeof(SegmentTally));
  return t;
}
#endif

}  // namespace

Processes::Processes([[maybe_unused]] int& argc, [[maybe_unused]] char**& argv) {
#ifdef CXSIM_MPI
  if (started_by_launcher()) {
    int provided = 0;
    // Only the main thread calls MPI; the worker threads never do.
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &count_);
    joined_ = true;
  }
#endif
  the_processes = this;
}

Processes::~Processes() {
#ifdef CXSIM_MPI
  if (joined_) MPI_Finalize();
#endif
  the_processes = nullptr;
}

const Processes& Processes::current() {
  if (!the_processes) throw std::logic_error("cxsim's processes are not set up");
  return *the_processes;
}

ProcessShare Processes::share() const {
  ProcessShare share;
  share.index = static_cast<std::uint64_t>(rank_);
  share.count = static_cast<std::uint64_t>(count_);
#ifdef CXSIM_MPI
  if (count_ > 1) {
    share.sum = [](Tally& tally) {
      const std::vector<char> mine = pack(tally);
      if (mine.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        throw std::runtime_error("the journey is too large to gather its tallies over MPI");
      int size = 0;
      MPI_Comm_size(MPI_COMM_WORLD, &size);
      // Every block's tally is the same size: same journey, same segments.
      std::vector<char> all(mine.size() * static_cast<std::size_t>(size));
      MPI_Allgather(mine.data(), static_cast<int>(mine.size()), MPI_BYTE, all.data(), static_cast<int>(mine.size()),
                    MPI_BYTE, MPI_COMM_WORLD);
      Tally total(tally.touchpoints.size(), tally.segments.size());
      for (int r = 0; r < size; ++r)
        total.merge(unpack(all.data() + mine.size() * static_cast<std::size_t>(r), tally.touchpoints.size(),
                           tally.segments.size()));
      tally = std::move(total);
    };
  }
#endif
  return share;
}

void Processes::all_or_none(const std::function<void()>& f) const {
  std::exception_ptr error;
  try {
    f();
  } catch (...) {
    error = std::current_exception();
  }
#ifdef CXSIM_MPI
  if (count_ > 1) {
    int ok = error ? 0 : 1, all = 0;
    MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!error && all == 0) throw PeerFailed();
  }
#endif
  if (error) std::rethrow_exception(error);
}

void Processes::abort(int code) const {
#ifdef CXSIM_MPI
  if (joined_) MPI_Abort(MPI_COMM_WORLD, code);
#endif
  std::exit(code);
}

}  // namespace cxsim
