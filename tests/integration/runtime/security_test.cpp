// Regression tests for the attacks the trusted runtimes were patched for
// (NOTES-performance-security.md). CVE-2021-30465 is covered by rootfs_runtime_test.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/file_io.hpp"
#include "common/strings.hpp"
#include "runtime_harness.hpp"

using namespace berth;
using namespace berth::test;
using nlohmann::json;

// CVE-2019-5736, the attack itself: a process in the container holds /proc/<init>/exe open
// (O_PATH) while the init still runs the runtime, waits for the runtime image to be released,
// then reopens the file for writing. What it holds must be the runtime binary through our
// private read-only mount (EROFS) or a sealed memfd copy (writes refused), never writable.
TEST(RuntimeSecurity, Cve2019_5736_InitExeCannotBeReopenedForWriting) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    std::string before = readFile(runtimeBin());
    b.write(shellConfig("sleep 100"));
    ASSERT_EQ(b.rtDetached({"create", "--bundle", b.bundle(), b.id}).exitCode, 0);
    int pid = b.state(b.id)["pid"].get<int>();
    std::string exe = "/proc/" + std::to_string(pid) + "/exe";
    int held = ::open(exe.c_str(), O_PATH | O_CLOEXEC);
    ASSERT_GE(held, 0) << exe;
    char target[256] = {};
    ASSERT_GT(::readlink(exe.c_str(), target, sizeof target - 1), 0);
    bool memfd = startsWith(target, "/memfd:berth-runtime");
    struct statvfs sv {};
    ASSERT_EQ(::fstatvfs(held, &sv), 0);
    EXPECT_TRUE(memfd || (sv.f_flag & ST_RDONLY)) << "init exe " << target
                                                  << " is neither sealed nor read-only";
    // The init leaves the runtime image; the held file is no longer busy being executed.
    ASSERT_EQ(b.rt({"delete", "--force", b.id}).exitCode, 0);
    std::string reopen = "/proc/self/fd/" + std::to_string(held);
    int fd = -1, err = 0;
    for (int i = 0; i < 200; ++i) {
        fd = ::open(reopen.c_str(), O_WRONLY | O_CLOEXEC);
        err = errno;
        if (fd >= 0 || err != ETXTBSY) break;
        ::usleep(10000);
    }
    if (memfd) {
        // F_SEAL_WRITE: the open may succeed, the write may not.
        if (fd >= 0) {
            EXPECT_LT(::write(fd, "pwned", 5), 0);
        }
    } else {
        // Never write here: this is the host binary itself if the protection regressed.
        EXPECT_LT(fd, 0) << "the runtime binary was reopened for writing through " << exe;
        EXPECT_EQ(err, EROFS) << std::strerror(err);
    }
    if (fd >= 0) ::close(fd);
    ::close(held);
    EXPECT_EQ(readFile(runtimeBin()), before);
}

// The "#!/proc/self/exe" entrypoint runs the sealed copy, and the host binary is unchanged.
TEST(RuntimeSecurity, Cve2019_5736_SelfExeEntrypointCannotReachHostBinary) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    std::string before = readFile(runtimeBin());
    writeFile(b.rootfs() + "/evil", "#!/proc/self/exe\n");
    ::chmod((b.rootfs() + "/evil").c_str(), 0755);
    json c = shellConfig("");
    c["process"]["args"] = {"/evil"};
    auto r = b.run(c);
    // berth-runtime itself ran as the container process (its usage error), from its
    // protected image.
    EXPECT_NE(r.exitCode, 0);
    EXPECT_EQ(readFile(runtimeBin()), before);
}

// CVE-2024-21626: a host directory fd leaked into the runtime can't become the container's cwd,
// and no fd beyond stdio reaches the container process.
TEST(RuntimeSecurity, Cve2024_21626_LeakedFdsAndCwd) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    // Leak a host directory into the runtime (no O_CLOEXEC: runCommand's child inherits it).
    int leaked = ::open("/sys/fs/cgroup", O_RDONLY | O_DIRECTORY);
    ASSERT_GE(leaked, 3);
    for (int n = 3; n <= leaked + 4; ++n) {
        json c = shellConfig("echo cwd=$(pwd); ls /");
        c["process"]["cwd"] = "/proc/self/fd/" + std::to_string(n);
        b.id = b.newId();
        auto r = b.run(c);
        if (r.exitCode == 0) {
            // If chdir worked at all it must be inside the container.
            EXPECT_EQ(r.out.find("cpu"), std::string::npos) << "fd " << n << ": " << r.out;
            EXPECT_TRUE(startsWith(keyValues(r.out)["cwd"], "/")) << r.out;
        } else {
            EXPECT_NE(r.err.find("process.cwd"), std::string::npos) << "fd " << n << ": " << r.err;
        }
    }
    // Only stdio (and ls's own directory fd) inside.
    json c = shellConfig("ls /proc/self/fd | tr '\\n' ' '");
    b.id = b.newId();
    auto r = b.run(c);
    ::close(leaked);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.out, "0 1 2 3 ");
}

TEST(RuntimeSecurity, PreserveFdsPassesExactlyThoseFds) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    writeFile(b.dir / "shared.txt", "through fd 3\n");
    int fd = ::open((b.dir / "shared.txt").c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    // Put it at fd 3 for the runtime (runCommand's child inherits non-CLOEXEC fds as numbered).
    int at3 = fd == 3 ? 3 : ::dup2(fd, 3);
    ASSERT_EQ(at3, 3);
    b.write(shellConfig("cat <&3; ls /proc/self/fd | tr '\\n' ' '"));
    auto r = b.rt({"run", "--preserve-fds", "1", "--bundle", b.bundle(), b.id});
    ::close(3);
    if (fd != 3) ::close(fd);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("through fd 3"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("0 1 2 3 4 "), std::string::npos) << r.out;
}

// CVE-2022-29162: the inheritable set is empty unless the config asks for it.
TEST(RuntimeSecurity, Cve2022_29162_InheritableEmptyUnlessAsked) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    json c = shellConfig("grep CapInh /proc/self/status");
    std::vector<std::string> caps{"CAP_CHOWN", "CAP_KILL", "CAP_SETUID", "CAP_SETGID"};
    c["process"]["capabilities"] = {{"bounding", caps}, {"effective", caps}, {"permitted", caps}};
    auto r = b.run(c);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("CapInh:\t0000000000000000"), std::string::npos) << r.out;
    c["process"]["capabilities"]["inheritable"] = {"CAP_KILL"};
    b.id = b.newId();
    r = b.run(c);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("CapInh:\t0000000000000020"), std::string::npos) << r.out;
}
