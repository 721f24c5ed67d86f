#include "cli/heap_prefault.hpp"

#include <malloc.h>
#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>

namespace berth::cli {

namespace {

// Kept (volatile: a malloc whose result is never read may be left out by the compiler).
void* volatile setAside = nullptr;

}  // namespace

void heapOnHugePage() {
    mallopt(M_MMAP_THRESHOLD, int(kMmapThreshold));  // the block below comes from the heap
    mallopt(M_TRIM_THRESHOLD, int(4 * kMmapThreshold));
    // Where the heap's top is now, and the next huge page boundary above it.
    void* probe = std::malloc(2 * kHugePage);
    if (!probe) return;
    auto start = reinterpret_cast<uintptr_t>(probe);
    uintptr_t boundary = (start + kHugePage - 1) & ~(kHugePage - 1);
    std::free(probe);  // back into the top chunk: the heap stays grown
    // Set the part below the boundary aside (only its first page is ever touched), so that
    // what is allocated from now on starts at the boundary.
    if (boundary - start > 256) setAside = std::malloc(boundary - start - 64);
    (void)::madvise(reinterpret_cast<void*>(boundary), kHugePage, MADV_HUGEPAGE);
}

}  // namespace berth::cli
