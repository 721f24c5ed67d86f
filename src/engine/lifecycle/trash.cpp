#include "engine/lifecycle/trash.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "common/dir_entries.hpp"
#include "common/error.hpp"
#include "common/fd.hpp"
#include "common/file_io.hpp"

namespace berth::engine::trash {

namespace {

std::vector<std::string> entries(const std::string& dir) {
    std::vector<std::string> out;
    for (auto& name : dirEntries(dir)) out.push_back(dir + "/" + name);
    return out;
}

// Deletes everything in trashDir, a few entries at a time (discards proceed in parallel on the
// device; one after another they were the cost).
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

// The deleter: a detached grandchild (reparented at once: no zombie for a long-lived caller), at
// a low CPU and I/O priority, with no descriptor of ours but the lock held open (a
// `$(berth rm ...)` would wait for a held stdout). lockFd: the trash dir, flocked by us.
void spawnDeleter(const std::string& trashDir, int lockFd) {
    pid_t child = ::fork();
    if (child < 0) {
        empty(trashDir);  // no process to spare: do it here
        return;
    }
    if (child == 0) {
        if (::fork() != 0) ::_exit(0);
        ::setsid();
        int null = ::open("/dev/null", O_RDWR);
        if (null >= 0) {
            ::dup2(null, 0);
            ::dup2(null, 1);
            ::dup2(null, 2);
        }
        ::dup2(lockFd, 3);
        ::close_range(4, ~0U, 0);
        (void)::nice(10);
        ::syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, 3 << 13 /* IOPRIO_CLASS_IDLE */);
        for (;;) {
            empty(trashDir);
            // Whoever moved something in while we held the lock saw it held and started no
            // deleter: after unlocking, look once more, and carry on if the lock is still free.
            ::flock(3, LOCK_UN);
            if (entries(trashDir).empty() || ::flock(3, LOCK_EX | LOCK_NB) < 0) break;
        }
        ::_exit(0);
    }
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
}

}  // namespace

void discard(const std::string& trashDir, const std::string& dir, const std::string& name) {
    if (::mkdir(trashDir.c_str(), 0700) < 0 && errno != EEXIST) throw SysError("create " + trashDir);
    std::string dest = trashDir + "/" + name;
    if (::rename(dir.c_str(), dest.c_str()) < 0) {
        if (errno == ENOENT) return;  // no directory (a half-made create)
        removeAll(dir);  // not movable (e.g. the same name still in the trash): here, then
        return;
    }
    UniqueFd lock(::open(trashDir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!lock) {
        removeAll(dest);
        return;
    }
    if (::flock(lock.get(), LOCK_EX | LOCK_NB) < 0) return;  // a deleter is at work: it sees ours
    spawnDeleter(trashDir, lock.get());
}

std::vector<std::string> leftovers(const std::string& trashDir) {
    UniqueFd lock(::open(trashDir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!lock || ::flock(lock.get(), LOCK_EX | LOCK_NB) < 0) return {};
    return entries(trashDir);
}

}  // namespace berth::engine::trash
