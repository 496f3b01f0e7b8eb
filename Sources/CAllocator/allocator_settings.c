// jemalloc's options for compose-compile, read by jemalloc when the process starts.
//
// - thp:always: jemalloc asks for transparent huge pages (madvise) for the memory it maps, where
//   the kernel allows them. A compile builds and drops hundreds of thousands of small tree nodes:
//   with 4 KiB pages, a 1,000-service project took about 8,300 page faults, a tenth of its time;
//   with huge pages, about 2,500.
// - narenas:1: one arena for every thread (each keeps its own cache). Each arena maps its own huge
//   pages, so fewer arenas keep peak memory low (54 MB instead of 64 MB at 1,000 services, about
//   7 MB more than with 4 KiB pages).
// The price: the first huge pages are zeroed whole, so a one-service compile takes about 1 ms
// more (8.3 instead of 7.2 ms); from about 100 services on it is even or ahead.
//
// docs/benchmarks.md has the measurements.
#include "allocator_settings.h"

const char *malloc_conf = "thp:always,narenas:1";
