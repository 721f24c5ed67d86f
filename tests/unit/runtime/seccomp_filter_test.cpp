// compileSeccomp + loadSeccomp against the real kernel, as any user: each test forks a child
// that sets no_new_privs (so loading needs no privilege), loads the filter and reports what
// the syscalls it makes returned.
#include "runtime/seccomp/seccomp_filter.hpp"

#include <errno.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <functional>

#include "common/error.hpp"
#include "common/fd.hpp"
#include "runtime/seccomp/seccomp_cache.hpp"
#include "support/test_support.hpp"

using namespace berth;
using namespace berth::runtime;
using nlohmann::json;

namespace {

constexpr pid_t kNoSuchPid = 0x3ffffff0;  // above pid_max: kill() answers ESRCH unfiltered

CompiledSeccomp compile(const std::string& text, SeccompCompileOptions opt = {}) {
    return compileSeccomp(oci::parseSeccompConfig(json::parse(text)), opt);
}

// Forks; the child loads the filter and exits with body()'s result. Returns the wait status.
int runFiltered(const CompiledSeccomp& c, const std::function<int()>& body) {
    pid_t pid = fork();
    if (pid == 0) {
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(200);
        if (loadSeccomp(c) < 0) _exit(201);
        _exit(body());
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

// Exit code of the child: the errno of the call, or 0 on success.
int errnoOf(long rc) {
    return rc < 0 ? errno : 0;
}

int exitCode(int status) {
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

}  // namespace

TEST(SeccompFilter, DeniesMkdirWithEperm) {
    test::TempDir dir;
    auto c = compile(R"({"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]})");
    std::string target = dir / "sub";
    int st = runFiltered(c, [&] { return errnoOf(mkdir(target.c_str(), 0755)); });
    EXPECT_EQ(exitCode(st), EPERM);
    struct stat sb;
    EXPECT_NE(stat(target.c_str(), &sb), 0) << "mkdir must not have happened";
    // Without the filter the same call works: the test can fail.
    EXPECT_EQ(mkdir(target.c_str(), 0755), 0);
}

TEST(SeccompFilter, ErrnoRetAndDefaultErrnoRet) {
    auto c = compile(R"({"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["getcwd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18}]})");
    EXPECT_EQ(exitCode(runFiltered(c,
                                   [] {
                                       char buf[64];
                                       return getcwd(buf, sizeof buf) ? 0 : errno;
                                   })),
              EXDEV);
    // Default ERRNO with its own errno; exit_group stays allowed so the child can report.
    auto d = compile(R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 33,
        "syscalls": [{"names": ["exit_group", "exit", "getpid"], "action": "SCMP_ACT_ALLOW"}]})");
    EXPECT_EQ(exitCode(runFiltered(d, [] { return errnoOf(syscall(SYS_getppid)); })), EDOM);
    EXPECT_EQ(exitCode(runFiltered(d, [] { return errnoOf(syscall(SYS_getpid)); })), 0);
}

TEST(SeccompFilter, ArgumentConditionSelectsTheSignal) {
    // Deny kill() only for signal 9: kill(nopid, 9) → EPERM, kill(nopid, 15) → ESRCH.
    auto c = compile(R"({"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO",
                      "args": [{"index": 1, "value": 9, "op": "SCMP_CMP_EQ"}]}]})");
    EXPECT_EQ(exitCode(runFiltered(c, [] { return errnoOf(kill(kNoSuchPid, 9)); })), EPERM);
    EXPECT_EQ(exitCode(runFiltered(c, [] { return errnoOf(kill(kNoSuchPid, 15)); })), ESRCH);
}

TEST(SeccompFilter, EveryOperator) {
    struct Case {
        const char* op;
        uint64_t value, valueTwo;
        int sig;
        bool matches;
    } cases[] = {
        {"SCMP_CMP_NE", 9, 0, 9, false},
        {"SCMP_CMP_NE", 9, 0, 10, true},
        {"SCMP_CMP_LT", 9, 0, 8, true},
        {"SCMP_CMP_LT", 9, 0, 9, false},
        {"SCMP_CMP_LE", 9, 0, 9, true},
        {"SCMP_CMP_LE", 9, 0, 10, false},
        {"SCMP_CMP_EQ", 9, 0, 9, true},
        {"SCMP_CMP_EQ", 9, 0, 8, false},
        {"SCMP_CMP_GE", 9, 0, 9, true},
        {"SCMP_CMP_GE", 9, 0, 8, false},
        {"SCMP_CMP_GT", 9, 0, 10, true},
        {"SCMP_CMP_GT", 9, 0, 9, false},
        {"SCMP_CMP_MASKED_EQ", 0xf0, 0x10, 0x1f, true},
        {"SCMP_CMP_MASKED_EQ", 0xf0, 0x10, 0x2f, false},
    };
    for (auto& k : cases) {
        json cfg{
            {"defaultAction", "SCMP_ACT_ALLOW"},
            {"syscalls",
             {{{"names", {"kill"}},
               {"action", "SCMP_ACT_ERRNO"},
               {"errnoRet", EDOM},
               {"args",
                {{{"index", 1}, {"value", k.value}, {"valueTwo", k.valueTwo}, {"op", k.op}}}}}}}};
        auto c = compileSeccomp(oci::parseSeccompConfig(cfg));
        int sig = k.sig;
        int got = exitCode(runFiltered(c, [sig] { return errnoOf(kill(kNoSuchPid, sig)); }));
        // Unfiltered: ESRCH for a valid signal, EINVAL past SIGRTMAX.
        if (k.matches)
            EXPECT_EQ(got, EDOM) << k.op << " value=" << k.value << " sig=" << k.sig;
        else
            EXPECT_NE(got, EDOM) << k.op << " value=" << k.value << " sig=" << k.sig;
    }
}

TEST(SeccompFilter, ConditionsOnDistinctArgsAreAndedRepeatedIndexIsOred) {
    // AND: pid == nopid && sig == 9.
    auto andRule = compile(R"({"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 33,
          "args": [{"index": 0, "value": 1073741808, "op": "SCMP_CMP_EQ"},
                   {"index": 1, "value": 9, "op": "SCMP_CMP_EQ"}]}]})");
    EXPECT_EQ(exitCode(runFiltered(andRule, [] { return errnoOf(kill(kNoSuchPid, 9)); })), EDOM);
    EXPECT_EQ(exitCode(runFiltered(andRule, [] { return errnoOf(kill(kNoSuchPid + 1, 9)); })),
              ESRCH);
    // OR (runc semantics when an index repeats): sig == 9 || sig == 15.
    auto orRule = compile(R"({"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 33,
          "args": [{"index": 1, "value": 9, "op": "SCMP_CMP_EQ"},
                   {"index": 1, "value": 15, "op": "SCMP_CMP_EQ"}]}]})");
    EXPECT_EQ(exitCode(runFiltered(orRule, [] { return errnoOf(kill(kNoSuchPid, 15)); })), EDOM);
    EXPECT_EQ(exitCode(runFiltered(orRule, [] { return errnoOf(kill(kNoSuchPid, 9)); })), EDOM);
    EXPECT_EQ(exitCode(runFiltered(orRule, [] { return errnoOf(kill(kNoSuchPid, 2)); })), ESRCH);
}

TEST(SeccompFilter, KillTrapLogTraceActions) {
    auto rule = [](const char* action) {
        return compile(std::string(R"({"defaultAction": "SCMP_ACT_ALLOW",
            "syscalls": [{"names": ["getppid"], "action": ")") +
                       action + R"("}]})");
    };
    auto call = [] { return errnoOf(syscall(SYS_getppid)); };
    EXPECT_EQ(exitCode(runFiltered(rule("SCMP_ACT_KILL_PROCESS"), call)), -SIGSYS);
    EXPECT_EQ(exitCode(runFiltered(rule("SCMP_ACT_KILL_THREAD"), call)), -SIGSYS);
    EXPECT_EQ(exitCode(runFiltered(rule("SCMP_ACT_KILL"), call)), -SIGSYS);
    EXPECT_EQ(exitCode(runFiltered(rule("SCMP_ACT_TRAP"), call)), -SIGSYS);
    EXPECT_EQ(exitCode(runFiltered(rule("SCMP_ACT_LOG"), call)), 0);
    EXPECT_EQ(exitCode(runFiltered(rule("SCMP_ACT_ALLOW"), call)), 0);
    // TRACE with no tracer attached: the call fails with ENOSYS (seccomp(2)).
    EXPECT_EQ(exitCode(runFiltered(rule("SCMP_ACT_TRACE"), call)), ENOSYS);
}

TEST(SeccompFilter, UnknownSyscallInDenyRuleIsAnErrorInAllowRuleIsSkipped) {
    try {
        compile(R"({"defaultAction": "SCMP_ACT_ALLOW",
            "syscalls": [{"names": ["mkdir", "no_such_syscall"], "action": "SCMP_ACT_ERRNO"}]})");
        FAIL() << "an unknown syscall in a deny rule must be an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(
                      "linux.seccomp.syscalls[0].names[1]: unknown syscall \"no_such_syscall\""),
                  std::string::npos)
            << e.what();
    }
    auto c = compile(R"({"defaultAction": "SCMP_ACT_ERRNO",
        "syscalls": [{"names": ["no_such_syscall", "getpid", "exit_group"], "action": "SCMP_ACT_ALLOW"}]})");
    ASSERT_EQ(c.skipped.size(), 1u);
    EXPECT_NE(c.skipped[0].find("no_such_syscall"), std::string::npos);
    EXPECT_EQ(exitCode(runFiltered(c, [] { return errnoOf(syscall(SYS_getpid)); })), 0);
    // crun's annotation makes it an error everywhere.
    auto opt = seccompOptionsFromAnnotations({{"run.oci.seccomp_fail_unknown_syscall", "1"}});
    EXPECT_TRUE(opt.failOnUnknownSyscall);
    EXPECT_THROW(compile(R"({"defaultAction": "SCMP_ACT_ERRNO",
        "syscalls": [{"names": ["no_such_syscall"], "action": "SCMP_ACT_ALLOW"}]})",
                         opt),
                 Error);
}

TEST(SeccompFilter, SyscallOfAnotherArchitectureIsAccepted) {
    // socketcall exists on x86 but not x86_64: a multi-arch profile (Docker's) names both.
    auto c = compile(R"({"defaultAction": "SCMP_ACT_ALLOW",
        "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
        "syscalls": [{"names": ["socketcall", "mkdir"], "action": "SCMP_ACT_ERRNO"}]})");
    EXPECT_FALSE(c.program.empty());
    test::TempDir dir;
    std::string target = dir / "d";
    EXPECT_EQ(exitCode(runFiltered(c, [&] { return errnoOf(mkdir(target.c_str(), 0755)); })),
              EPERM);
}

TEST(SeccompFilter, FlagsAreProbedAndPassed) {
    auto flags = supportedSeccompFlags();
    ASSERT_NE(std::find(flags.begin(), flags.end(), "SECCOMP_FILTER_FLAG_LOG"), flags.end());
    auto c = compile(R"({"defaultAction": "SCMP_ACT_ALLOW",
        "flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"]})");
    EXPECT_EQ(c.flags, unsigned(SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW));
    EXPECT_EQ(exitCode(runFiltered(c, [] { return 0; })), 0);
}

TEST(SeccompFilter, NotifyListenerReceivesStateAndFd) {
    test::TempDir dir;
    std::string sockPath = dir / "agent.sock";
    UniqueFd listener(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, sockPath.c_str());
    ASSERT_EQ(bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(listen(listener.get(), 1), 0);

    auto c = compile(R"({"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": ")" + sockPath +
                     R"(", "listenerMetadata": "hello",
        "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_NOTIFY"}]})");
    EXPECT_TRUE(c.notify);
    EXPECT_TRUE(c.flags & SECCOMP_FILTER_FLAG_NEW_LISTENER);

    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        int fd = loadSeccomp(c);
        if (fd <= 0) _exit(201);
        try {
            sendSeccompListenerFd(c.listenerPath, fd, json{{"ociVersion", "1.2.0"}, {"id", "x"}},
                                  getpid(), c.listenerMetadata);
        } catch (...) {
            _exit(202);
        }
        close(fd);
        _exit(errnoOf(syscall(SYS_getppid)));  // parked until the agent answers
    }
    UniqueFd conn(accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    ASSERT_TRUE(conn.valid());
    char buf[4096];
    iovec iov{buf, sizeof buf};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    msghdr mh{};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = control;
    mh.msg_controllen = sizeof control;
    ssize_t n = recvmsg(conn.get(), &mh, MSG_CMSG_CLOEXEC);
    ASSERT_GT(n, 0);
    cmsghdr* cm = CMSG_FIRSTHDR(&mh);
    ASSERT_NE(cm, nullptr);
    ASSERT_EQ(cm->cmsg_type, SCM_RIGHTS);
    int raw;
    std::memcpy(&raw, CMSG_DATA(cm), sizeof raw);
    UniqueFd notifyFd(raw);
    std::string text(buf, static_cast<size_t>(n));
    while ((n = read(conn.get(), buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
    auto msg = json::parse(text);
    EXPECT_EQ(msg["fds"], json::array({"seccompFd"}));
    EXPECT_EQ(msg["pid"], pid);
    EXPECT_EQ(msg["metadata"], "hello");
    EXPECT_EQ(msg["state"]["id"], "x");

    // Answer the child's getppid with EXDEV through the received listener.
    seccomp_notif req{};
    ASSERT_EQ(ioctl(notifyFd.get(), SECCOMP_IOCTL_NOTIF_RECV, &req), 0) << strerror(errno);
    EXPECT_EQ(req.pid, static_cast<uint32_t>(pid));
    seccomp_notif_resp resp{};
    resp.id = req.id;
    resp.error = -EXDEV;
    ASSERT_EQ(ioctl(notifyFd.get(), SECCOMP_IOCTL_NOTIF_SEND, &resp), 0);
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_EQ(exitCode(status), EXDEV);
}

TEST(SeccompFilter, NotifyListenerUnreachableIsAnError) {
    EXPECT_THROW(sendSeccompListenerFd("/nonexistent/agent.sock", 0, json::object(), 1, ""), Error);
}

TEST(SeccompCache, SecondCompileComesFromTheCacheAndMatches) {
    test::TempDir dir;
    std::string cacheDir = dir / "cache";
    json cfg = json::parse(R"({"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]})");
    auto first = compileSeccompCached(cfg, {}, cacheDir);
    auto second = compileSeccompCached(cfg, {}, cacheDir);
    ASSERT_EQ(first.program.size(), second.program.size());
    EXPECT_EQ(std::memcmp(first.program.data(), second.program.data(),
                          first.program.size() * sizeof(sock_filter)),
              0);
    // A different config gets its own entry, never the cached one.
    cfg["syscalls"][0]["errnoRet"] = 18;
    auto other = compileSeccompCached(cfg, {}, cacheDir);
    std::string target = dir / "x";
    EXPECT_EQ(exitCode(runFiltered(other, [&] { return errnoOf(mkdir(target.c_str(), 0755)); })),
              EXDEV);
    EXPECT_EQ(exitCode(runFiltered(second, [&] { return errnoOf(mkdir(target.c_str(), 0755)); })),
              EACCES);
    // Invalid configs are still rejected when a cache exists.
    EXPECT_THROW(compileSeccompCached(json{{"defaultAction", "SCMP_ACT_NOPE"}}, {}, cacheDir),
                 Error);
}
