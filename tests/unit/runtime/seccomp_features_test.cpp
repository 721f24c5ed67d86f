// The features document: shape per features.md, and consistent with what the code accepts.
#include <gtest/gtest.h>

#include <algorithm>

#include "oci/seccomp_config.hpp"
#include "runtime/features/features_document.hpp"

using nlohmann::json;

TEST(FeaturesDocument, HasTheSpecsShape) {
    json f = berth::runtime::featuresDocument();
    EXPECT_EQ(f["ociVersionMin"], "1.0.0");
    EXPECT_EQ(f["ociVersionMax"], "1.2.0");
    EXPECT_EQ(f["hooks"].size(), 6u);
    for (auto o : {"bind", "rbind", "ro", "nosuid", "rprivate", "rro", "strictatime", "remount"})
        EXPECT_NE(std::find(f["mountOptions"].begin(), f["mountOptions"].end(), o),
                  f["mountOptions"].end())
            << o;
    const json& l = f["linux"];
    EXPECT_EQ(l["namespaces"].size(), 8u);
    auto caps = l["capabilities"];
    for (auto c : {"CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"})
        EXPECT_NE(std::find(caps.begin(), caps.end(), c), caps.end()) << c;
    EXPECT_TRUE(l["cgroup"]["v1"]);
    EXPECT_TRUE(l["seccomp"]["enabled"]);
    EXPECT_EQ(l["seccomp"]["actions"].size(), 9u);
    EXPECT_EQ(l["seccomp"]["operators"].size(), 7u);
    auto archs = l["seccomp"]["archs"];
    EXPECT_NE(std::find(archs.begin(), archs.end(), "SCMP_ARCH_X86_64"), archs.end());
    // Every action/operator/arch listed is one the config parser accepts.
    for (auto& a : l["seccomp"]["actions"])
        EXPECT_TRUE(berth::oci::seccompActionFromName(a.get<std::string>())) << a;
    for (auto& flag : l["seccomp"]["supportedFlags"])
        EXPECT_NE(
            std::find(l["seccomp"]["knownFlags"].begin(), l["seccomp"]["knownFlags"].end(), flag),
            l["seccomp"]["knownFlags"].end());
}
