// The heap of the cxsim command (and of the benchmarks, which measure what the command does):
// jemalloc reads its options from this symbol. Backing the heap with transparent huge pages
// costs a large journey a fraction of the page faults; the hot loops allocate nothing either way.
extern "C" const char* malloc_conf;
const char* malloc_conf = "thp:always,metadata_thp:auto";
