// The CLI's heap on one transparent huge page: one page fault instead of ~200.
//
// Why: a `berth run` touches ~1 MB of heap (the command tree, JSON documents, SQLite's page
// cache) 4 KiB at a time, and each first touch is a page fault. On this VM a fault costs 12 µs
// at best and up to ~80 µs when the host is busy (a minimal program faulting in 256 pages: 3–20
// ms; one 2 MiB huge page: 0.07 ms): the ~160 heap faults were the largest part of the CLI's
// CPU before it spawns the monitor. So at start the heap is grown past the next 2 MiB boundary,
// the part below it is set aside (never touched), and the 2 MiB above it are marked
// MADV_HUGEPAGE: the first allocation there faults in one huge page (where the host has
// transparent huge pages for madvise; elsewhere it stays 4 KiB pages, as before). Allocations
// below kMmapThreshold come from the heap too, not from fresh mmaps (each faulted in and unmapped
// again). A short-lived CLI's heap is never trimmed.
#pragma once

#include <cstddef>

namespace berth::cli {

constexpr size_t kHugePage = size_t(2) << 20;
constexpr size_t kMmapThreshold = size_t(8) << 20;

// Best effort: the heap as before where malloc or the kernel cannot.
void heapOnHugePage();

}  // namespace berth::cli
