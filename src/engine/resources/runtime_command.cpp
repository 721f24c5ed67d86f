#include "engine/resources/runtime_command.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "common/fd.hpp"
#include "common/strings.hpp"

extern char** environ;

namespace berth::engine {

RuntimeResult runRuntimeCommand(const std::vector<std::string>& argv, const std::string& input) {
    RuntimeResult r;
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) != 0) return r;
    UniqueFd inR(in[0]), inW(in[1]);
    if (::pipe2(out, O_CLOEXEC) != 0) return r;
    UniqueFd outR(out[0]), outW(out[1]);
    if (::pipe2(err, O_CLOEXEC) != 0) return r;
    UniqueFd errR(err[0]), errW(err[1]);
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, inR.get(), 0);
    posix_spawn_file_actions_adddup2(&fa, outW.get(), 1);
    posix_spawn_file_actions_adddup2(&fa, errW.get(), 2);
    pid_t pid = 0;
    int rc = posix_spawnp(&pid, cargv[0], &fa, nullptr, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        r.err = argv[0] + ": " + std::string(strerror(rc));
        return r;
    }
    inR.reset();
    outW.reset();
    errW.reset();
    // Small input (a resources document): written before reading; a pipe holds 64 KiB.
    sighandler_t old = ::signal(SIGPIPE, SIG_IGN);
    for (size_t off = 0; off < input.size();) {
        ssize_t n = ::write(inW.get(), input.data() + off, input.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        off += size_t(n);
    }
    ::signal(SIGPIPE, old);
    inW.reset();
    pollfd fds[2] = {{outR.get(), POLLIN, 0}, {errR.get(), POLLIN, 0}};
    std::string* bufs[2] = {&r.out, &r.err};
    int open = 2;
    while (open > 0) {
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buf[4096];
            ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                fds[i].fd = -1;
                --open;
                continue;
            }
            bufs[i]->append(buf, size_t(n));
        }
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return r;
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

std::string runtimeFailureText(const RuntimeResult& r) {
    std::string last;
    for (auto& line : split(r.err, '\n'))
        if (!trim(line).empty()) last = trim(line);
    // runc/logrus: time="..." level=error msg="container not running"
    auto m = last.find("msg=\"");
    if (m != std::string::npos) {
        std::string msg = last.substr(m + 5);
        if (!msg.empty() && msg.back() == '"') msg.pop_back();
        last = msg;
    }
    if (!last.empty()) return last;
    return r.status < 0 ? "it could not run or was killed" : "exit status " + std::to_string(r.status);
}

}  // namespace berth::engine
