// Issue 3 acceptance: under berth's default seccomp profile (Docker's semantics, as the engine
// puts it in linux.seccomp), a busybox shell works normally while unshare, mount and keyctl are
// refused with EPERM — even for root in the container, since the default bounding set has no
// CAP_SYS_ADMIN.
#include <sys/stat.h>

#include "common/file_io.hpp"
#include "runtime/seccomp/seccomp_profile.hpp"
#include "runtime_harness.hpp"

using namespace berth;
using namespace berth::test;
using nlohmann::json;

namespace {

json withDefaultSeccomp(json config) {
    config["linux"]["seccomp"] = runtime::defaultOciSeccompForConfig(config);
    return config;
}

void copyFile(const std::string& from, const std::string& to) {
    writeFile(to, readFile(from));
    ::chmod(to.c_str(), 0755);
}

}  // namespace

TEST(RuntimeDefaultSeccomp, ShellWorksWhileUnshareMountKeyctlGetEperm) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    // The ordinary things a shell does: files, pipes, subshells, fork+exec, signals, sleep.
    auto ok = b.run(withDefaultSeccomp(shellConfig(
        "set -e; mkdir /tmp/d; echo hi > /tmp/d/f; cat /tmp/d/f | tr a-z A-Z; ls /tmp/d;"
        " (sleep 0.01 &) ; wait; kill -0 $$; id -u; echo done")));
    ASSERT_EQ(ok.exitCode, 0) << ok.out << ok.err;
    EXPECT_NE(ok.out.find("HI\nf\n"), std::string::npos) << ok.out;
    EXPECT_NE(ok.out.find("0\ndone"), std::string::npos) << ok.out;

    // The same three from a static probe making the raw syscalls, so the errno is exact.
    copyFile(binPath("berth-syscall-probe"), b.rootfs() + "/probe");
    auto refused =
        b.run(withDefaultSeccomp(shellConfig("/probe unshare mount keyctl add_key getpid")));
    ASSERT_EQ(refused.exitCode, 0) << refused.err;
    EXPECT_EQ(refused.out, "unshare EPERM\nmount EPERM\nkeyctl EPERM\nadd_key EPERM\ngetpid ok\n");

    // And busybox's own applets, as a user types them.
    auto unshare = b.run(withDefaultSeccomp(shellConfig("unshare -m true")));
    EXPECT_NE(unshare.exitCode, 0);
    EXPECT_NE((unshare.out + unshare.err).find("Operation not permitted"), std::string::npos)
        << unshare.out << unshare.err;
    auto mount =
        b.run(withDefaultSeccomp(shellConfig("mkdir -p /mnt/t; mount -t tmpfs none /mnt/t")));
    EXPECT_NE(mount.exitCode, 0);
    // busybox mount words EPERM as "permission denied (are you root?)"
    EXPECT_NE((mount.out + mount.err).find("permission denied"), std::string::npos)
        << mount.out << mount.err;

    // Control: without the profile the probe's keyctl succeeds, so the EPERM above is seccomp's.
    auto control = b.run(shellConfig("/probe keyctl"));
    EXPECT_EQ(control.out, "keyctl ok\n") << control.err;
}
