#include "support/test_support.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>
#include <stdexcept>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/mountinfo.hpp"
#include "common/strings.hpp"

namespace berth::test {

TempDir::TempDir(const std::string& prefix) {
    const char* base = getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/" + prefix + "-XXXXXX";
    if (!mkdtemp(tmpl.data())) throw SysError("mkdtemp " + tmpl);
    path_ = tmpl;
}

TempDir::~TempDir() {
    // Unmount anything left beneath us, deepest first (a failed test must not leak mounts).
    try {
        auto mounts = parseMountInfo(readFile("/proc/self/mountinfo"));
        for (auto m = mounts.rbegin(); m != mounts.rend(); ++m)
            if (startsWith(m->mountPoint, path_ + "/")) umount2(m->mountPoint.c_str(), MNT_DETACH);
    } catch (...) {
    }
    try {
        removeAll(path_);
    } catch (...) {
    }
}

static void drain(int fd, std::string& into) {
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) into.append(buf, static_cast<size_t>(n));
}

CommandResult runCommand(const std::vector<std::string>& argv, const std::string& input,
                         int timeoutSeconds) {
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
        throw SysError("pipe2");
    pid_t pid = fork();
    if (pid < 0) throw SysError("fork");
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execvp(args[0], args.data());
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    if (!input.empty()) (void)!write(in[1], input.data(), input.size());
    close(in[1]);
    CommandResult r;
    pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    int open = 2;
    int waited = 0;
    while (open > 0) {
        int n = poll(fds, 2, 1000);
        if (n == 0 && ++waited >= timeoutSeconds) {
            kill(pid, SIGKILL);
            break;
        }
        for (auto& p : fds) {
            if (p.fd >= 0 && (p.revents & (POLLIN | POLLHUP))) {
                size_t before = (&p == &fds[0] ? r.out : r.err).size();
                drain(p.fd, &p == &fds[0] ? r.out : r.err);
                if ((&p == &fds[0] ? r.out : r.err).size() == before) {
                    close(p.fd);
                    p.fd = -1;
                    --open;
                }
            }
        }
    }
    for (auto& p : fds)
        if (p.fd >= 0) close(p.fd);
    int status = 0;
    waitpid(pid, &status, 0);
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

std::string binPath(const std::string& name) { return std::string(BERTH_BIN_DIR) + "/" + name; }
std::string fixturePath(const std::string& rel) {
    // $BERTH_FIXTURES_DIR, else ../shared/fixtures beside the checkout, else one level further
    // up (a git worktree under <repo>/../wt/<name>).
    if (const char* env = ::getenv("BERTH_FIXTURES_DIR")) return std::string(env) + "/" + rel;
    std::string dir = BERTH_FIXTURES_DIR;
    if (!pathExists(dir) && pathExists(std::string(BERTH_SOURCE_DIR) + "/../../shared/fixtures"))
        dir = std::string(BERTH_SOURCE_DIR) + "/../../shared/fixtures";
    return dir + "/" + rel;
}
bool runningAsRoot() { return geteuid() == 0; }

void makeBusyboxRootfs(const std::string& dir) {
    const std::string busybox = "/bin/busybox";
    if (!pathExists(busybox)) throw Error("busybox-static is not installed (" + busybox + ")");
    for (const char* d : {"bin", "sbin", "etc", "proc", "sys", "dev", "tmp", "root", "var",
                          "usr", "usr/bin", "usr/sbin", "home", "run"})
        mkdirAll(dir + "/" + d);
    chmod((dir + "/tmp").c_str(), 01777);
    std::string data = readFile(busybox);
    writeFile(dir + "/bin/busybox", data);
    chmod((dir + "/bin/busybox").c_str(), 0755);
    auto r = runCommand({busybox, "--list-full"});
    for (auto& applet : split(r.out, '\n')) {
        if (applet.empty() || applet == "bin/busybox") continue;
        std::string link = dir + "/" + applet;
        symlink("/bin/busybox", link.c_str());
    }
    writeFile(dir + "/etc/passwd",
              "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
    writeFile(dir + "/etc/group", "root:x:0:\nnogroup:x:65534:\n");
    writeFile(dir + "/etc/hostname", "busybox\n");
}

}  // namespace berth::test
