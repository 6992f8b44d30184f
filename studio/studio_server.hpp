#pragma once
// `cxsim studio`: the studio session (studio/studio_session.hpp) and its page on loopback HTTP
// (cpp-httplib). It is a server on a designer's laptop, so:
//  - it listens on 127.0.0.1 (and ::1 when the machine has it), never on a network;
//  - every request carries the random token printed in the URL (403 without it), as a `token`
//    query parameter or an X-Cxsim-Token header, compared in constant time;
//  - the Host header must name a loopback address, so a web page elsewhere cannot reach it by
//    pointing its own domain at 127.0.0.1 (DNS rebinding);
//  - no path from a request reaches the filesystem: the page's assets are compiled in, and the
//    only file it writes is the loaded scenario;
//  - request bodies and change counts are bounded (studio_limits);
//  - SIGINT and SIGTERM stop it after the requests in flight have finished, so a save is either
//    done or never started.
#include <cstdint>
#include <string>

namespace cxsim {

struct StudioOptions {
  std::string scenario;
  std::uint16_t port = 0;  // 0: any free port
  bool open_browser = true;
};

// Serves until SIGINT or SIGTERM; returns the exit code. The first line on standard output is the
// page's URL with its token.
int serve_studio(const StudioOptions& options);

}  // namespace cxsim
