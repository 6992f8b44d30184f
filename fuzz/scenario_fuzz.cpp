// libFuzzer target: a whole scenario, checked, and when it is valid and small, solved exactly and
// walked by a few customers. The input is the YAML file; a folder beside it holds the bundled
// broadband tables, so inputs that name touchpoints.csv / transitions.csv reach the CSV path too.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "io/scenario.hpp"
#include "sim/exact_solver.hpp"
#include "sim/monte_carlo.hpp"

namespace {

std::filesystem::path work_folder() {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("cxsim-scenario-fuzz-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (const char* table : {"touchpoints.csv", "transitions.csv"})
    fs::copy_file(fs::path(CXSIM_SOURCE_DIR) / "scenarios" / "broadband" / table, dir / table,
                  fs::copy_options::overwrite_existing);
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path dir = work_folder();
  const std::string path = (dir / "scenario.yaml").string();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  const cxsim::CheckedScenario checked = cxsim::check_scenario(path);
  if (checked.diagnostics.has_errors()) return 0;
  try {
    const cxsim::LoadedScenario loaded = cxsim::load_scenario(path, "");
    if (loaded.model.journey.size() > 64) return 0;  // keep each input fast
    try {
      (void)cxsim::solve_exact(loaded.model.journey, loaded.model.population);
    } catch (const cxsim::SolverError&) {
      // A clear refusal is a valid answer.
    }
    cxsim::WalkSettings walk;
    walk.max_steps = 200;
    (void)cxsim::simulate_customers(loaded.model.journey, loaded.model.population, walk, 0, 64);
  } catch (const cxsim::InputError&) {
  }
  return 0;
}
