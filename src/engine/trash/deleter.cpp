// The deleter's side of the trash (berth-trash): empty it, low priority, lock held (trash.hpp).
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "common/dir_entries.hpp"
#include "common/file_io.hpp"
#include "engine/trash/trash.hpp"

namespace berth::engine::trash {

namespace {

std::vector<std::string> entries(const std::string& dir) {
    std::vector<std::string> out;
    for (auto& name : dirEntries(dir)) out.push_back(dir + "/" + name);
    return out;
}

}  // namespace

void empty(const std::string& trashDir) {
    constexpr int kWorkers = 4;
    for (;;) {
        auto paths = entries(trashDir);
        if (paths.empty()) return;
        std::atomic<size_t> next{0};
        auto work = [&] {
            for (size_t i; (i = next++) < paths.size();) {
                try {
                    removeAll(paths[i]);
                } catch (...) {
                    // left for system check
                }
            }
        };
        std::vector<std::thread> workers;
        for (int w = 1; w < kWorkers && size_t(w) < paths.size(); ++w) workers.emplace_back(work);
        work();
        for (auto& t : workers) t.join();
        // What could not be deleted stays: don't spin on it.
        if (entries(trashDir).size() >= paths.size()) return;
    }
}

int runDeleter(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: berth-trash TRASHDIR (with fd %d: TRASHDIR, flocked)\n", kLockFd);
        return 2;
    }
    std::string trashDir = argv[1];
    (void)::nice(10);
    ::syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, 3 << 13 /* IOPRIO_CLASS_IDLE */);
    for (;;) {
        empty(trashDir);
        // Whoever moved something in while we held the lock saw it held and started no
        // deleter: after unlocking, look once more, and carry on if the lock is still free.
        ::flock(kLockFd, LOCK_UN);
        if (entries(trashDir).empty() || ::flock(kLockFd, LOCK_EX | LOCK_NB) < 0) break;
    }
    return 0;
}

}  // namespace berth::engine::trash
