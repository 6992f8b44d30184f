#pragma once
// fast-cpp-csv-parser, included once for every reader of CSV files. The library copies file
// names with strncpy into a fixed buffer on purpose (it truncates long names); GCC 12 warns
// about that inside the header.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-truncation"
#endif
#include <libfccp/csv.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
