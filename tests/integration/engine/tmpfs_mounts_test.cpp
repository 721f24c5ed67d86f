// --tmpfs and --mount type=tmpfs live in the container's mount namespace only, as Docker's: the
// runtime mounts them from the bundle's config.json (never on the host), so they vanish with the
// container's last process, and a stopped or removed container leaves no tmpfs behind.
#include <gtest/gtest.h>

#include <string>

#include "common/file_io.hpp"
#include "harness/berth_env.hpp"

using berth::test::BerthEnv;
using berth::test::splitLines;

namespace {

// Lines of the host's (our) mount table that are tmpfs mounts on a path ending in suffix.
int hostTmpfsEndingIn(const std::string& suffix) {
    int n = 0;
    for (auto& l : splitLines(berth::readFile("/proc/self/mountinfo"))) {
        auto dash = l.find(" - tmpfs ");
        if (dash == std::string::npos) continue;
        size_t a = l.find(' ', l.find(' ', l.find(' ', l.find(' ') + 1) + 1) + 1);
        size_t b = l.find(' ', a + 1);
        std::string mountPoint = l.substr(a + 1, b - a - 1);
        if (mountPoint.size() >= suffix.size() &&
            mountPoint.compare(mountPoint.size() - suffix.size(), suffix.size(), suffix) == 0)
            ++n;
    }
    return n;
}

TEST(TmpfsMounts, OnlyInTheContainersNamespace) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    std::string id = env.ok({"run", "-d", "--name", "tf", "--tmpfs", "/scratch-gaps:size=1m",
                             "--mount", "type=tmpfs,destination=/scratch2-gaps,tmpfs-size=65536",
                             "busybox", "sleep", "1000"});
    // Inside: both are tmpfs mounts with their sizes.
    auto inside = env.ok({"exec", "tf", "sh", "-c", "grep -E ' /scratch2?-gaps ' /proc/mounts"});
    EXPECT_NE(inside.find("tmpfs /scratch-gaps tmpfs"), std::string::npos) << inside;
    EXPECT_NE(inside.find("size=1024k"), std::string::npos) << inside;
    EXPECT_NE(inside.find("tmpfs /scratch2-gaps tmpfs"), std::string::npos) << inside;
    EXPECT_NE(inside.find("size=64k"), std::string::npos) << inside;
    env.ok({"exec", "tf", "sh", "-c", "echo x > /scratch-gaps/f"});
    // On the host: none (not under the state root, not anywhere).
    EXPECT_EQ(hostTmpfsEndingIn("/scratch-gaps"), 0);
    EXPECT_EQ(hostTmpfsEndingIn("/scratch2-gaps"), 0);
    // Stopped: gone with the namespace; a restart gets a fresh, empty one (as Docker).
    env.ok({"stop", "-t", "0", "tf"});
    EXPECT_EQ(hostTmpfsEndingIn("/scratch-gaps"), 0);
    env.ok({"start", "tf"});
    EXPECT_EQ(env.ok({"exec", "tf", "sh", "-c", "ls -A /scratch-gaps | wc -l"}), "0");
    env.ok({"rm", "-f", "tf"});
    EXPECT_TRUE(env.mountsUnderRoot().empty());
}

}  // namespace
