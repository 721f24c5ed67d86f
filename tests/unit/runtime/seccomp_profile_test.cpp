// The default (Docker-equivalent) profile: rule selection by capability set, architecture and
// kernel, and what the compiled filter really does to a process.
#include "runtime/seccomp/seccomp_profile.hpp"

#include <errno.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "common/error.hpp"
#include "runtime/seccomp/seccomp_filter.hpp"

using namespace berth;
using namespace berth::runtime;
using nlohmann::json;

namespace {

const std::vector<std::string> kDockerCaps{
    "CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",
    "CAP_MKNOD",   "CAP_NET_RAW",      "CAP_SETGID",           "CAP_SETUID",
    "CAP_SETFCAP", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
    "CAP_KILL",    "CAP_AUDIT_WRITE"};

ProfileTarget target(std::vector<std::string> caps, std::string arch = "amd64",
                     std::string kernel = "6.1.0") {
    return ProfileTarget{std::move(caps), std::move(arch), std::move(kernel)};
}

// Rules of the converted config naming `name`.
std::vector<json> rulesFor(const json& oci, const std::string& name) {
    std::vector<json> out;
    for (auto& r : oci["syscalls"])
        for (auto& n : r["names"])
            if (n == name) out.push_back(r);
    return out;
}

bool allowedUnconditionally(const json& oci, const std::string& name) {
    for (auto& r : rulesFor(oci, name))
        if (r["action"] == "SCMP_ACT_ALLOW" && !r.contains("args")) return true;
    return false;
}

int exitCode(int status) {
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int runUnder(const CompiledSeccomp& c, long (*body)()) {
    pid_t pid = fork();
    if (pid == 0) {
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(200);
        if (loadSeccomp(c) < 0) _exit(201);
        long rc = body();
        _exit(rc < 0 ? errno : 0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return exitCode(status);
}

}  // namespace

TEST(SeccompProfile, DefaultCapsDenyMountUnshareAndMaskClone) {
    json oci = defaultOciSeccomp(target(kDockerCaps));
    EXPECT_EQ(oci["defaultAction"], "SCMP_ACT_ERRNO");
    EXPECT_EQ(oci["defaultErrnoRet"], 1);
    EXPECT_EQ(oci["architectures"],
              json::array({"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}));
    for (auto name : {"read", "write", "execve", "mkdir", "getpid", "arch_prctl", "chroot"})
        EXPECT_TRUE(allowedUnconditionally(oci, name)) << name;
    for (auto name : {"mount", "umount2", "unshare", "setns", "keyctl", "add_key", "bpf", "kcmp",
                      "reboot", "init_module", "s390_runtime_instr", "open_by_handle_at"})
        EXPECT_TRUE(rulesFor(oci, name).empty()) << name << " must not be allowed";
    auto clone = rulesFor(oci, "clone");
    ASSERT_EQ(clone.size(), 1u);
    EXPECT_EQ(clone[0]["args"][0]["op"], "SCMP_CMP_MASKED_EQ");
    EXPECT_EQ(clone[0]["args"][0]["index"], 0);
    EXPECT_EQ(clone[0]["args"][0]["value"], 2114060288u);
    auto clone3 = rulesFor(oci, "clone3");
    ASSERT_EQ(clone3.size(), 1u);
    EXPECT_EQ(clone3[0]["action"], "SCMP_ACT_ERRNO");
    EXPECT_EQ(clone3[0]["errnoRet"], ENOSYS);
    auto socket = rulesFor(oci, "socket");
    ASSERT_EQ(socket.size(), 1u);
    EXPECT_EQ(socket[0]["args"][0]["op"], "SCMP_CMP_NE");
    EXPECT_EQ(socket[0]["args"][0]["value"], 40) << "AF_VSOCK";
    EXPECT_GT(oci["syscalls"][0]["names"].size(), 340u) << "Docker's allow list";
}

TEST(SeccompProfile, CapabilitiesOpenTheirSyscalls) {
    auto caps = kDockerCaps;
    caps.push_back("CAP_SYS_ADMIN");
    caps.push_back("CAP_SYS_PTRACE");
    caps.push_back("CAP_SYS_TIME");
    json oci = defaultOciSeccomp(target(caps));
    for (auto name : {"mount", "unshare", "setns", "clone", "clone3", "bpf", "ptrace", "kcmp",
                      "settimeofday", "clock_settime"})
        EXPECT_TRUE(allowedUnconditionally(oci, name)) << name;
    for (auto& r : rulesFor(oci, "clone"))
        EXPECT_FALSE(r.contains("args")) << "no mask with SYS_ADMIN";
    for (auto& r : rulesFor(oci, "clone3")) EXPECT_NE(r["action"], "SCMP_ACT_ERRNO");
    EXPECT_TRUE(rulesFor(oci, "reboot").empty());
    EXPECT_TRUE(allowedUnconditionally(defaultOciSeccomp(target({"CAP_SYS_BOOT"})), "reboot"));
}

TEST(SeccompProfile, ArchitectureAndKernelConditions) {
    json arm = defaultOciSeccomp(target(kDockerCaps, "arm64"));
    EXPECT_EQ(arm["architectures"], json::array({"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"}));
    EXPECT_TRUE(allowedUnconditionally(arm, "cacheflush"));
    EXPECT_TRUE(rulesFor(arm, "arch_prctl").empty());
    json s390 = defaultOciSeccomp(target(kDockerCaps, "s390x"));
    auto clone = rulesFor(s390, "clone");
    ASSERT_EQ(clone.size(), 1u);
    EXPECT_EQ(clone[0]["args"][0]["index"], 1) << "s390 passes clone's flags second";
    // ptrace needs kernel 4.8 (seccomp bypass before it) unless CAP_SYS_PTRACE.
    EXPECT_TRUE(
        allowedUnconditionally(defaultOciSeccomp(target(kDockerCaps, "amd64", "4.8.0")), "ptrace"));
    EXPECT_TRUE(
        rulesFor(defaultOciSeccomp(target(kDockerCaps, "amd64", "4.4.0")), "ptrace").empty());
}

TEST(SeccompProfile, ConversionErrorsNameTheField) {
    EXPECT_THROW(profileToOciSeccomp(json{{"defaultAction", "SCMP_ACT_ALLOW"},
                                          {"architectures", {"SCMP_ARCH_X86"}},
                                          {"archMap", {{{"architecture", "SCMP_ARCH_X86_64"}}}}},
                                     target({})),
                 Error);
    try {
        profileToOciSeccomp(json::parse(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
            {"names": ["a"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "new"}}]})"),
                            target({}));
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("syscalls[0].includes.minKernel"), std::string::npos)
            << e.what();
    }
    // A user profile in the same format is converted the same way.
    json oci = profileToOciSeccomp(json::parse(R"({"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"name": "mkdir", "action": "SCMP_ACT_ERRNO", "excludes": {"caps": ["CAP_X"]}}]})"),
                                   target({}));
    EXPECT_EQ(oci["syscalls"][0]["names"], json::array({"mkdir"}));
}

TEST(SeccompProfile, CompiledDefaultProfileBehavesLikeDockers) {
    auto cfg = oci::parseSeccompConfig(defaultOciSeccomp(target(kDockerCaps, "")));
    auto c = compileSeccomp(cfg);
    EXPECT_EQ(runUnder(c, [] { return syscall(SYS_getpid); }), 0);
    EXPECT_EQ(runUnder(c, [] { return static_cast<long>(unshare(CLONE_NEWUTS)); }), EPERM);
    EXPECT_EQ(runUnder(c, [] { return syscall(SYS_mount, "none", "/tmp", "tmpfs", 0, nullptr); }),
              EPERM);
    EXPECT_EQ(runUnder(c, [] { return syscall(SYS_keyctl, 0, 0, 0, 0, 0); }), EPERM);
    EXPECT_EQ(runUnder(c, [] { return syscall(SYS_add_key, "user", "k", "v", 1, -4); }), EPERM);
    EXPECT_EQ(runUnder(c, [] { return syscall(SYS_clone3, nullptr, 0); }), ENOSYS);
    EXPECT_EQ(
        runUnder(c, [] { return static_cast<long>(socket(40 /*AF_VSOCK*/, SOCK_STREAM, 0)); }),
        EPERM);
    // fork (clone without namespace flags) still works; clone with CLONE_NEWNS does not.
    EXPECT_EQ(runUnder(c,
                       [] {
                           pid_t p = fork();
                           if (p == 0) _exit(0);
                           return static_cast<long>(p < 0 ? -1 : waitpid(p, nullptr, 0));
                       }),
              0);
    EXPECT_EQ(runUnder(c, [] { return syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0); }),
              EPERM);
}

TEST(SeccompProfile, ForConfigUsesItsBoundingSet) {
    json config{{"process", {{"capabilities", {{"bounding", {"CAP_SYS_ADMIN"}}}}}}};
    EXPECT_TRUE(allowedUnconditionally(defaultOciSeccompForConfig(config), "mount"));
    EXPECT_TRUE(rulesFor(defaultOciSeccompForConfig(json::object()), "mount").empty());
}
