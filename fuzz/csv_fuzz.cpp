// libFuzzer target: the CSV reader on any bytes as a touchpoint table.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "io/csv_table.hpp"
#include "io/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path =
      (std::filesystem::temp_directory_path() / ("cxsim-csv-fuzz-" + std::to_string(::getpid()) + ".csv")).string();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  cxsim::Diagnostics diagnostics;
  (void)cxsim::read_csv(path, cxsim::touchpoint_fields, diagnostics, {});
  return 0;
}
