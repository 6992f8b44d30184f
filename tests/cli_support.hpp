#pragma once
// Running the cxsim binary from a test: exit code, standard output and standard error.
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "test_support.hpp"

namespace cxsim::test {

struct Result {
  int code = -1;
  std::string out, err;
};

inline Result cxsim(const std::string& args) {
  static ScratchDir dir;
  const std::string out = dir.path("stdout"), err = dir.path("stderr");
  const std::string cmd = std::string(CXSIM_BINARY) + " " + args + " >" + out + " 2>" + err;
  const int status = std::system(cmd.c_str());
  Result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream o(out), e(err);
  std::stringstream so, se;
  so << o.rdbuf();
  se << e.rdbuf();
  r.out = so.str();
  r.err = se.str();
  return r;
}

// A bundled scenario's YAML file.
inline std::string scenario(const std::string& name) {
  return std::string(CXSIM_SOURCE_DIR) + "/scenarios/" + name + "/scenario.yaml";
}

}  // namespace cxsim::test
