#include <gtest/gtest.h>
#include <sys/stat.h>

#include "common/error.hpp"
#include "runtime/linux/rootfs/path_protection.hpp"
#include "runtime/linux/rootfs/sysctl.hpp"
#include "support/failures.hpp"

using namespace berth;
using namespace berth::runtime::rootfs;

namespace {
oci::Spec specWith(std::vector<oci::NamespaceType> ns, std::map<std::string, std::string> sysctl) {
    oci::Spec s;
    s.linux.emplace();
    for (auto t : ns) s.linux->namespaces.push_back({t, ""});
    s.linux->sysctl = std::move(sysctl);
    return s;
}

std::string errorOf(const oci::Spec& s) {
    return test::errorOf([&] { validateSysctls(s); });
}
}  // namespace

TEST(RootfsSysctl, NamespacedKeysNeedTheirNamespace) {
    using NT = oci::NamespaceType;
    EXPECT_EQ(errorOf(specWith({NT::Network}, {{"net.ipv4.ip_forward", "1"}})), "");
    EXPECT_NE(errorOf(specWith({NT::Ipc}, {{"net.ipv4.ip_forward", "1"}})).find("network"),
              std::string::npos);
    EXPECT_EQ(errorOf(specWith({NT::Ipc}, {{"kernel.shmmax", "1"}, {"fs.mqueue.msg_max", "5"}})),
              "");
    EXPECT_NE(errorOf(specWith({NT::Network}, {{"kernel.msgmax", "1"}})), "");
    EXPECT_NE(errorOf(specWith({NT::Network}, {{"fs.mqueue.queues_max", "1"}})), "");
    EXPECT_EQ(errorOf(specWith({NT::Uts}, {{"kernel.hostname", "x"}})), "");
    EXPECT_NE(errorOf(specWith({NT::Network}, {{"kernel.domainname", "x"}})), "");
}

TEST(RootfsSysctl, HostOnlyKeysAreRefused) {
    using NT = oci::NamespaceType;
    auto all = std::vector<NT>{NT::Network, NT::Ipc, NT::Uts, NT::Pid, NT::Mount};
    std::string err = errorOf(specWith(all, {{"vm.swappiness", "10"}}));
    EXPECT_NE(err.find("vm.swappiness"), std::string::npos) << err;
    EXPECT_NE(err.find("not in a separate kernel namespace"), std::string::npos) << err;
    EXPECT_NE(errorOf(specWith(all, {{"kernel.pid_max", "10"}})), "");
}

TEST(RootfsSysctl, JoinedNamespaceCounts) {
    oci::Spec s = specWith({}, {{"net.core.somaxconn", "10"}});
    s.linux->namespaces.push_back({oci::NamespaceType::Network, "/proc/1/ns/net"});
    EXPECT_EQ(errorOf(s), "");
}

TEST(RootfsSysctl, Paths) {
    EXPECT_EQ(sysctlPath("net.ipv4.ip_forward"), "/proc/sys/net/ipv4/ip_forward");
    EXPECT_EQ(sysctlPath("kernel/shmmax"), "/proc/sys/kernel/shmmax");
    EXPECT_THROW(sysctlPath(""), Error);
    EXPECT_THROW(sysctlPath("net..x"), Error);
    EXPECT_THROW(sysctlPath("net/../../etc"), Error);
    EXPECT_NE(errorOf(specWith({oci::NamespaceType::Network}, {{"net/../../etc/passwd", "x"}})),
              "");
}

TEST(RootfsMaskAction, DirectoriesGetTmpfsEverythingElseDevNull) {
    EXPECT_EQ(maskActionFor(S_IFDIR), MaskAction::ReadOnlyTmpfs);
    EXPECT_EQ(maskActionFor(S_IFREG), MaskAction::BindDevNull);
    EXPECT_EQ(maskActionFor(S_IFLNK), MaskAction::BindDevNull);  // the link itself is covered
    EXPECT_EQ(maskActionFor(S_IFCHR), MaskAction::BindDevNull);
}
