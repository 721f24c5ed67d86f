#include "runtime_harness.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>

#include "common/file_io.hpp"
#include "common/strings.hpp"

namespace berth::test {

using nlohmann::json;

std::string runtimeBin() { return binPath("berth-runtime"); }

json shellConfig(const std::string& script) {
    json c;
    c["ociVersion"] = "1.2.0";
    c["process"] = {{"terminal", false},
                    {"user", {{"uid", 0}, {"gid", 0}}},
                    {"args", {"/bin/sh", "-c", script}},
                    {"env", {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}},
                    {"cwd", "/"},
                    {"noNewPrivileges", true}};
    c["root"] = {{"path", "rootfs"}, {"readonly", false}};
    c["hostname"] = "berth-test";
    auto m = [](const char* d, const char* t, const char* s, json o) {
        return json{{"destination", d}, {"type", t}, {"source", s}, {"options", o}};
    };
    c["mounts"] = json::array(
        {m("/proc", "proc", "proc", json::array()),
         m("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
         m("/dev/pts", "devpts", "devpts",
           {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}),
         m("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}),
         m("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"})});
    c["linux"] = {{"namespaces",
                   {{{"type", "pid"}},
                    {{"type", "network"}},
                    {{"type", "ipc"}},
                    {{"type", "uts"}},
                    {{"type", "mount"}}}}};
    return c;
}

RuntimeBundle::RuntimeBundle() {
    makeBusyboxRootfs(rootfs());
    id = newId();
}

std::string RuntimeBundle::newId() {
    static std::atomic<int> n{0};
    std::string i = "rt-" + std::to_string(::getpid()) + "-" + std::to_string(n++);
    ids.push_back(i);
    return i;
}

RuntimeBundle::~RuntimeBundle() {
    for (auto& i : ids) runCommand({runtimeBin(), "--root", root(), "delete", "--force", i});
}

void RuntimeBundle::write(const json& config) const {
    writeFile(bundle() + "/config.json", config.dump(2));
}
void RuntimeBundle::writeRaw(const std::string& text) const {
    writeFile(bundle() + "/config.json", text);
}

CommandResult RuntimeBundle::rt(std::vector<std::string> args, int timeout) {
    args.insert(args.begin(), {runtimeBin(), "--root", root()});
    return runCommand(args, "", timeout);
}

CommandResult RuntimeBundle::rtDetached(std::vector<std::string> args,
                                        const std::string& containerOut) {
    args.insert(args.begin(), {runtimeBin(), "--root", root()});
    std::string out = containerOut.empty() ? dir / "rt.out" : containerOut;
    std::string err = dir / "rt.err";
    pid_t pid = fork();
    if (pid == 0) {
        int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int n = ::open("/dev/null", O_RDONLY);
        dup2(n, 0);
        dup2(o, 1);
        dup2(e, 2);
        std::vector<char*> a;
        for (auto& s : args) a.push_back(const_cast<char*>(s.c_str()));
        a.push_back(nullptr);
        execv(a[0], a.data());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CommandResult r;
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.err = readFile(err);
    if (containerOut.empty()) r.out = readFile(out);
    return r;
}

CommandResult RuntimeBundle::run(const json& config) {
    write(config);
    return rt({"run", "--bundle", bundle(), id}, 60);
}

json RuntimeBundle::state(const std::string& cid) {
    auto r = rt({"state", cid});
    if (r.exitCode != 0) return json{{"error", r.err}};
    return json::parse(r.out);
}

void removeTestCgroupParent(const std::string& name) {
    DIR* d = ::opendir("/sys/fs/cgroup");
    if (!d) return;
    while (dirent* e = ::readdir(d)) {
        std::string h = e->d_name;
        if (h == "." || h == "..") continue;
        ::rmdir(("/sys/fs/cgroup/" + h + "/" + name).c_str());
    }
    ::closedir(d);
    ::rmdir(("/sys/fs/cgroup/" + name).c_str());  // pure cgroup v2
}

std::map<std::string, std::string> keyValues(const std::string& out) {
    std::map<std::string, std::string> kv;
    for (auto& line : split(out, '\n')) {
        auto eq = line.find('=');
        if (eq != std::string::npos) kv[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return kv;
}

}  // namespace berth::test
