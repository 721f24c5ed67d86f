#include "common/spawn.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>

#include "common/fd.hpp"

extern char** environ;

namespace berth {

pid_t spawnDetachedStdio(const std::vector<std::string>& argv, const DetachedSpawn& how) {
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    // A source among the targets 0..passAs would be clobbered before its dup2: move it above.
    UniqueFd high;
    int passFd = how.passFd;
    if (passFd >= 0 && passFd < how.passAs) {
        high.reset(::fcntl(passFd, F_DUPFD_CLOEXEC, how.passAs + 1));
        if (!high) return -1;
        passFd = high.get();
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    if (passFd >= 0) {
        posix_spawn_file_actions_adddup2(&fa, passFd, how.passAs);  // clears close-on-exec
        posix_spawn_file_actions_addclosefrom_np(&fa, how.passAs + 1);
    }
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    if (how.newSession) posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, cargv[0], &fa, &attr, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    return pid;
}

bool waitSucceeded(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return false;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace berth
