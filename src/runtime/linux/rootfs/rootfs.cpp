// prepareRootfs / enterRootfs: the order of the rootfs setup (runc prepareRootfs,
// finalizeRootfs and the standard init), each step delegated to its concern's file.
#include "runtime/linux/rootfs.hpp"

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/mount.h>

#include <climits>
#include <cstdlib>

#include "common/error.hpp"
#include "common/fd.hpp"
#include "runtime/linux/rootfs/mount_options.hpp"
#include "runtime/linux/rootfs/mount_plan.hpp"
#include "runtime/linux/rootfs/path_protection.hpp"
#include "runtime/linux/rootfs/pivot.hpp"
#include "runtime/linux/rootfs/plan_executor.hpp"
#include "runtime/linux/rootfs/sysctl.hpp"

namespace berth::runtime {
namespace {

bool hasNewNamespace(const oci::Spec& spec, oci::NamespaceType t) {
    if (!spec.linux) return false;
    const oci::Namespace* ns = spec.linux->findNamespace(t);
    return ns && ns->path.empty();
}

std::string canonicalRootfs(const RootfsContext& ctx) {
    char buf[PATH_MAX];
    if (!::realpath(ctx.rootfsPath.c_str(), buf)) throw SysError("root.path " + ctx.rootfsPath);
    return buf;
}

// The host probe, told the container's cgroup v1 hierarchies by the launcher when it knows them.
class LaunchProbe : public rootfs::RealHostProbe {
  public:
    explicit LaunchProbe(const RootfsContext& ctx) : ctx_(ctx) {}
    // v1 hierarchies exist: /sys/fs/cgroup is not a cgroup2 mount.
    bool cgroup2Unified() override { return !ctx_.cgroupV1 && RealHostProbe::cgroup2Unified(); }
    std::vector<rootfs::CgroupHierarchy> cgroupV1() override {
        return ctx_.cgroupV1 ? *ctx_.cgroupV1 : RealHostProbe::cgroupV1();
    }

  private:
    const RootfsContext& ctx_;
};

UniqueFd openRootfs(const std::string& path, int flags) {
    UniqueFd fd(::open(path.c_str(), flags | O_DIRECTORY | O_CLOEXEC));
    if (!fd) throw SysError("open root.path " + path);
    return fd;
}

}  // namespace

void prepareRootfs(const oci::Spec& spec, const RootfsContext& ctx) {
    rootfs::validateSysctls(spec);
    rootfs::PlanContext pc;
    pc.rootfsPath = canonicalRootfs(ctx);
    pc.bundlePath = ctx.bundlePath;
    pc.inNewUserNamespace = ctx.inNewUserNamespace;
    pc.newCgroupNamespace = hasNewNamespace(spec, oci::NamespaceType::Cgroup);
    pc.consolePath = ctx.consolePath;
    if (spec.linux) {
        pc.containerUidMappings = spec.linux->uidMappings;
        pc.containerGidMappings = spec.linux->gidMappings;
    }
    LaunchProbe probe(ctx);
    // Every plan is computed before the first mount: a bad mount or device is reported with
    // nothing changed.
    rootfs::Plan hostPlan = rootfs::planRootfsBind(spec, pc);
    rootfs::Plan mounts = rootfs::planMounts(spec, pc, probe);
    rootfs::Plan devices =
        rootfs::needsDevSetup(spec) ? rootfs::planDevices(spec, pc) : rootfs::Plan{};
    if (!hasNewNamespace(spec, oci::NamespaceType::Mount)) return;

    rootfs::PlanExecutor(-1).run(hostPlan);
    // Opened after the self-bind so Root steps land on the bind mount pivot_root will use.
    UniqueFd root = openRootfs(pc.rootfsPath, O_PATH);
    rootfs::PlanExecutor exec(root.get());
    exec.run(mounts);
    exec.run(devices);
}

rootfs::OldRootDetach enterRootfs(const oci::Spec& spec, const RootfsContext& ctx) {
    // prepareRootfs resolved and checked the path; opening it needs no second realpath.
    UniqueFd newRoot = openRootfs(ctx.rootfsPath, O_RDONLY);
    if (!hasNewNamespace(spec, oci::NamespaceType::Mount)) {
        rootfs::chrootInto(newRoot.get());
        return {};
    }
    rootfs::OldRootDetach detach;
    if (ctx.noPivot)
        rootfs::moveRoot(newRoot.get());
    else
        detach = rootfs::pivotRoot(newRoot.get());
    newRoot.reset();

    const oci::Linux empty;
    const oci::Linux& lx = spec.linux ? *spec.linux : empty;
    // Applied to the new "/" only now: before pivot_root it would reach the host's mounts if
    // the container's root mount were shared with them (runc prepareRootfs).
    if (unsigned long prop = rootfs::parsePropagation(lx.rootfsPropagation))
        if (::mount(nullptr, "/", nullptr, prop, nullptr) < 0)
            throw SysError("linux.rootfsPropagation " + lx.rootfsPropagation + " on /");

    UniqueFd root = openRootfs("/", O_PATH);
    // sysctl first: /proc/sys is usually among the read-only paths (runc's order).
    rootfs::applySysctls(root.get(), lx.sysctl);
    for (auto& p : lx.readonlyPaths) rootfs::readonlyPath(root.get(), p);
    UniqueFd devNull;
    for (auto& p : lx.maskedPaths) rootfs::maskPath(root.get(), p, devNull);
    if (spec.root.readonly)
        withContext("root.readonly", [&] {
            // Only the root mount itself, as runc: mounts on top keep their own flags.
            rootfs::setMountAttr(root.get(), false, MOUNT_ATTR_RDONLY, 0);
        });
    return detach;
}

}  // namespace berth::runtime
