#include "rootfs_harness.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/fd.hpp"
#include "common/file_io.hpp"
#include "common/strings.hpp"

namespace berth::test {
namespace {

void writeAll(int fd, const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
        ssize_t n = ::write(fd, s.data() + off, s.size() - off);
        if (n <= 0) return;
        off += static_cast<size_t>(n);
    }
}

std::string readAll(int fd) {
    std::string out;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

std::string oneLine(std::string s) {
    for (auto& c : s)
        if (c == '\n') c = ' ';
    return s;
}

}  // namespace

oci::Spec dockerLikeSpec(const ChildOptions& opts) {
    oci::Spec s;
    s.ociVersion = "1.2.0";
    s.mounts = {
        makeMount("/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}),
        makeMount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
        makeMount("/dev/pts", "devpts", "devpts",
                  {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}),
        makeMount("/dev/shm", "tmpfs", "shm",
                  {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}),
        makeMount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}),
        makeMount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
    };
    s.linux.emplace();
    using NT = oci::NamespaceType;
    s.linux->namespaces = {{NT::Pid, ""}, {NT::Mount, ""}};
    if (opts.newNetwork) s.linux->namespaces.push_back({NT::Network, ""});
    if (opts.newIpc) s.linux->namespaces.push_back({NT::Ipc, ""});
    if (opts.newUts) s.linux->namespaces.push_back({NT::Uts, ""});
    if (opts.newCgroup) s.linux->namespaces.push_back({NT::Cgroup, ""});
    if (opts.userNamespace) s.linux->namespaces.push_back({NT::User, ""});
    return s;
}

ChildResult runInRootfs(const oci::Spec& spec, runtime::RootfsContext ctx,
                        const std::function<void(Report&)>& inspect, const ChildOptions& opts,
                        const std::function<void(Report&)>& afterPrepare) {
    ctx.inNewUserNamespace = opts.userNamespace;
    Pipe report = Pipe::make();
    Pipe toParent = Pipe::make();  // "userns ready"
    Pipe toChild = Pipe::make();   // "maps written"
    pid_t pid = ::fork();
    if (pid < 0) throw SysError("fork");
    if (pid == 0) {
        report.read.reset();
        toParent.read.reset();
        toChild.write.reset();
        if (opts.userNamespace) {
            if (::unshare(CLONE_NEWUSER) < 0) _exit(90);
            writeAll(toParent.write.get(), "u");
            char c;
            if (::read(toChild.read.get(), &c, 1) != 1) _exit(91);
        }
        int flags = CLONE_NEWNS | CLONE_NEWPID;
        if (opts.newNetwork) flags |= CLONE_NEWNET;
        if (opts.newIpc) flags |= CLONE_NEWIPC;
        if (opts.newUts) flags |= CLONE_NEWUTS;
        if (opts.newCgroup) flags |= CLONE_NEWCGROUP;
        if (::unshare(flags) < 0) _exit(92);
        pid_t inner = ::fork();
        if (inner < 0) _exit(93);
        if (inner == 0) {
            Report r;
            int code = 0;
            try {
                runtime::prepareRootfs(spec, ctx);
                if (afterPrepare) afterPrepare(r);
                runtime::enterRootfs(spec, ctx);
                inspect(r);
            } catch (const std::exception& e) {
                r.add("error", oneLine(e.what()));
                code = 1;
            }
            writeAll(report.write.get(), r.text());
            _exit(code);
        }
        int status = 0;
        while (::waitpid(inner, &status, 0) < 0 && errno == EINTR) {
        }
        _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    }
    report.write.reset();
    toParent.write.reset();
    toChild.read.reset();
    if (opts.userNamespace) {
        char c;
        if (::read(toParent.read.get(), &c, 1) == 1) {
            std::string p = "/proc/" + std::to_string(pid);
            writeFile(p + "/uid_map", "0 0 4294967295\n");
            writeFile(p + "/gid_map", "0 0 4294967295\n");
            writeAll(toChild.write.get(), "m");
        }
    }
    toChild.write.reset();
    std::string text = readAll(report.read.get());
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    ChildResult res;
    res.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    for (auto& line : split(text, '\n')) {
        auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        res.values.emplace(line.substr(0, eq), line.substr(eq + 1));
    }
    auto e = res.values.find("error");
    if (e != res.values.end()) res.error = e->second;
    return res;
}

std::string statSummary(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) < 0) return "err " + errnoName(errno);
    char buf[128];
    if (S_ISLNK(st.st_mode)) {
        char t[256];
        ssize_t n = ::readlink(path.c_str(), t, sizeof t - 1);
        t[n > 0 ? n : 0] = 0;
        return std::string("l ") + t;
    }
    char type = S_ISCHR(st.st_mode)    ? 'c'
                : S_ISBLK(st.st_mode)  ? 'b'
                : S_ISDIR(st.st_mode)  ? 'd'
                : S_ISFIFO(st.st_mode) ? 'p'
                : S_ISREG(st.st_mode)  ? 'f'
                                       : '?';
    std::snprintf(buf, sizeof buf, "%c %u:%u %04o %u:%u", type, major(st.st_rdev),
                  minor(st.st_rdev), st.st_mode & 07777, st.st_uid, st.st_gid);
    return buf;
}

std::string readResult(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return "err " + errnoName(errno);
    char buf[256];
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) return "err " + errnoName(errno);
    return "ok:" + oneLine(std::string(buf, static_cast<size_t>(n)));
}

std::string writeResult(const std::string& path, const std::string& data) {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
    if (!fd) return "err " + errnoName(errno);
    if (::write(fd.get(), data.data(), data.size()) < 0) return "err " + errnoName(errno);
    return "ok";
}

std::vector<MountInfoEntry> mountTable() {
    return parseMountInfo(readFile("/proc/self/mountinfo"));
}

const MountInfoEntry* findMount(const std::vector<MountInfoEntry>& table,
                                const std::string& mountPoint) {
    const MountInfoEntry* found = nullptr;
    for (auto& m : table)
        if (m.mountPoint == mountPoint) found = &m;
    return found;
}

bool hasOption(const std::string& options, const std::string& opt) {
    for (auto& o : split(options, ','))
        if (o == opt) return true;
    return false;
}

}  // namespace berth::test
