// The remover's side of the trash: move the directory in, start a deleter (trash.hpp).
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mutex>

#include "common/dir_entries.hpp"
#include "common/error.hpp"
#include "common/fd.hpp"
#include "common/file_io.hpp"
#include "common/spawn.hpp"
#include "engine/trash/trash.hpp"

namespace berth::engine::trash {

namespace {

// Deleters this process started and has not reaped: a long-lived caller reaps the finished ones
// at its next removal instead of waiting for each (a short-lived CLI exits first: init reaps).
void reapFinished(std::vector<pid_t>& started) {
    std::erase_if(started, [](pid_t pid) { return ::waitpid(pid, nullptr, WNOHANG) != 0; });
}

// lockFd: the trash dir, flocked by us; the deleter inherits it (and the lock with it).
void startDeleter(const std::string& trashDir, int lockFd, const std::string& deleterPath) {
    static std::mutex mu;
    static std::vector<pid_t> started;
    std::lock_guard lk(mu);
    reapFinished(started);
    DetachedSpawn how;
    how.passFd = lockFd;
    how.passAs = kLockFd;
    how.newSession = true;  // not in the caller's terminal's process group (no ^C)
    pid_t pid = spawnDetachedStdio({deleterPath, trashDir}, how);
    if (pid < 0) {
        empty(trashDir);  // no deleter: do it here
        return;
    }
    started.push_back(pid);
}

}  // namespace

void discard(const std::string& trashDir, const std::string& dir, const std::string& name,
             const std::string& deleterPath) {
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
    startDeleter(trashDir, lock.get(), deleterPath);
}

std::vector<std::string> leftovers(const std::string& trashDir) {
    UniqueFd lock(::open(trashDir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!lock || ::flock(lock.get(), LOCK_EX | LOCK_NB) < 0) return {};
    std::vector<std::string> out;
    for (auto& entry : dirEntries(trashDir)) out.push_back(trashDir + "/" + entry);
    return out;
}

}  // namespace berth::engine::trash
