#include "runtime/linux/rootfs/mount_plan.hpp"

#include <linux/magic.h>
#include <linux/mount.h>
#include <sys/mount.h>

#include "common/error.hpp"
#include "common/safe_path.hpp"
#include "common/strings.hpp"
#include "runtime/linux/rootfs/mount_options.hpp"

namespace berth::runtime::rootfs {
namespace {

// Files under /proc a bind mount may cover (lxcfs and friends); anything else under /proc is
// refused so a config cannot hide or redirect procfs entries (runc checkProcMount).
constexpr const char* kProcBindAllowList[] = {
    "/proc/cpuinfo",
    "/proc/diskstats",
    "/proc/meminfo",
    "/proc/stat",
    "/proc/swaps",
    "/proc/uptime",
    "/proc/loadavg",
    "/proc/slabinfo",
    "/proc/sys/kernel/ns_last_pid",
    "/proc/sys/crypto/fips_enabled",
};

void checkProcDestination(const std::string& dest, const std::string& type, bool bind,
                          const std::string& source, HostProbe& probe) {
    if (!isPathWithin(dest, "/proc")) return;
    bool sourceIsProc = bind && probe.fsTypeOf(source) == PROC_SUPER_MAGIC;
    if (dest == "/proc") {
        if (type == "proc" || sourceIsProc) return;
        throw Error("/proc can only be a proc mount (type " + (type.empty() ? "none" : type) + ")",
                    EINVAL);
    }
    for (const char* allowed : kProcBindAllowList)
        if (dest == allowed) return;
    if (sourceIsProc) return;
    throw Error("mount destination " + dest + " under /proc is not allowed", EINVAL);
}

std::string absoluteSource(const std::string& source, const PlanContext& ctx) {
    if (source.empty() || source[0] == '/' || ctx.bundlePath.empty()) return source;
    return ctx.bundlePath + "/" + source;
}

Step mountStep(const std::string& what, const std::string& source, const std::string& target,
               const std::string& fstype, unsigned long flags, const std::string& data,
               CreateTarget create) {
    Step s;
    s.kind = StepKind::Mount;
    s.what = what;
    s.source = source;
    s.target = target;
    s.fstype = fstype;
    s.flags = flags;
    s.data = data;
    s.create = create;
    return s;
}

Step simpleStep(StepKind kind, const std::string& what, const std::string& target,
                unsigned long flags) {
    Step s;
    s.kind = kind;
    s.what = what;
    s.target = target;
    s.flags = flags;
    return s;
}

// A bind ignores every flag but MS_REC: ro/nosuid/... need a remount (mount(2) "Creating a
// bind mount"). The remount keeps the source's locked flags or the kernel refuses it in a
// user namespace.
void addBindRemount(Plan& plan, const std::string& what, const std::string& target,
                    const MountOptions& opts, const std::string& source, HostProbe& probe) {
    unsigned long wanted = opts.bindRemountFlags();
    if (wanted == 0) return;  // the source's flags are only asked for when there is a remount
    unsigned long sourceFlags = probe.mountFlagsOf(source);
    plan.push_back(
        simpleStep(StepKind::Remount, what, target,
                   MS_BIND | MS_REMOUNT | wanted | lockedFlagsToKeep(sourceFlags, opts)));
}

void addAttrsAndPropagation(Plan& plan, const std::string& what, const std::string& target,
                            const MountOptions& opts) {
    if (opts.recAttrSet || opts.recAttrClr) {
        Step s = simpleStep(StepKind::SetAttr, what, target, 0);
        s.attrSet = opts.recAttrSet;
        s.attrClr = opts.recAttrClr;
        s.recursive = true;
        plan.push_back(s);
    }
    for (unsigned long p : opts.propagation)
        plan.push_back(simpleStep(StepKind::Propagation, what, target, p));
}

// config.md: the mount's own uidMappings/gidMappings, or with a bare "idmap" option the
// container's user namespace mappings (as runc and crun).
void addIdmap(Step& s, const oci::Mount& m, const MountOptions& opts, const PlanContext& ctx) {
    s.uidMappings = m.uidMappings;
    s.gidMappings = m.gidMappings;
    if (s.uidMappings.empty() && s.gidMappings.empty()) {
        s.uidMappings = ctx.containerUidMappings;
        s.gidMappings = ctx.containerGidMappings;
    }
    if (s.uidMappings.empty() || s.gidMappings.empty())
        throw Error("an idmapped mount needs both uidMappings and gidMappings", EINVAL);
    for (auto* maps : {&s.uidMappings, &s.gidMappings})
        for (auto& id : *maps)
            if (id.size == 0) throw Error("idmapped mount: a mapping has size 0", EINVAL);
    // The helper user namespace is made from the init, whose IDs are the container's own when
    // it is in a user namespace: the host IDs of the mapping could not be expressed there.
    if (ctx.inNewUserNamespace)
        throw Error("idmapped mounts in a container with a user namespace are not supported",
                    EOPNOTSUPP);
    s.idmapRecursive = opts.idmapRecursive;
}

std::string baseName(const std::string& path) {
    auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// `-t cgroup` (runc mountCgroupV1/V2): on a cgroup2 host a cgroup2 mount; on v1 a tmpfs with one
// directory per hierarchy holding the container's own cgroup (a fresh cgroup mount when the
// container has its own cgroup namespace, else a bind of its host directory).
void planCgroupMount(Plan& plan, const std::string& what, const std::string& dest,
                     const MountOptions& opts, const PlanContext& ctx, HostProbe& probe) {
    if (probe.cgroup2Unified()) {
        Step s =
            mountStep(what, "cgroup2", dest, "cgroup2", opts.flags, opts.data, CreateTarget::Dir);
        // Without an owned cgroup namespace the kernel may refuse (EPERM/EBUSY): bind ours.
        std::string own = probe.cgroup2Path();
        s.fallbackBindSource = "/sys/fs/cgroup" + (own == "/" ? "" : own);
        plan.push_back(s);
        addAttrsAndPropagation(plan, what, dest, opts);
        return;
    }
    const unsigned long base = MS_NOSUID | MS_NODEV | MS_NOEXEC;
    plan.push_back(mountStep(what, "tmpfs", dest, "tmpfs", (opts.flags & ~MS_RDONLY) | base,
                             "mode=755", CreateTarget::Dir));
    for (auto& h : probe.cgroupV1()) {
        std::string dir = baseName(h.hostMountPoint);
        std::string sub = dest + "/" + dir;
        if (ctx.newCgroupNamespace) {
            plan.push_back(mountStep(what, "cgroup", sub, "cgroup", opts.flags | base, h.subsystems,
                                     CreateTarget::Dir));
        } else {
            Step s =
                mountStep(what, h.processDir, sub, "", MS_BIND | MS_REC, "", CreateTarget::Dir);
            s.sourceIsHostPath = true;
            plan.push_back(s);
            // Made nosuid/nodev/noexec (and read-only) with the whole tree below, at the end.
        }
        // "cpu" and "cpuacct" → "cpu,cpuacct", as on the host.
        for (auto& c : h.controllers) {
            if (c == dir || startsWith(c, "name=")) continue;
            Step l = simpleStep(StepKind::Symlink, what, dest + "/" + c, 0);
            l.linkTarget = dir;
            plan.push_back(l);
        }
    }
    // One mount_setattr over the tmpfs and every hierarchy on it, instead of a remount per
    // bind and one of the tmpfs (runc's v1 order): the same flags, ~10 mounts fewer to walk.
    Step attrs = simpleStep(StepKind::SetAttr, what, dest, 0);
    attrs.attrSet = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
                    ((opts.flags & MS_RDONLY) ? MOUNT_ATTR_RDONLY : 0);
    attrs.recursive = true;
    plan.push_back(attrs);
    addAttrsAndPropagation(plan, what, dest, opts);
}

}  // namespace

Plan planRootfsBind(const oci::Spec& spec, const PlanContext& ctx) {
    Plan plan;
    unsigned long rootProp = MS_SLAVE | MS_REC;  // runc's default: host mounts still arrive
    if (spec.linux && !spec.linux->rootfsPropagation.empty())
        rootProp = withContext("linux.rootfsPropagation",
                               [&] { return parsePropagation(spec.linux->rootfsPropagation); });
    Step prop = simpleStep(StepKind::Propagation, "linux.rootfsPropagation", "/", rootProp);
    prop.scope = Scope::Host;
    plan.push_back(prop);
    // After a recursive slave or private "/" no mount of the namespace is shared any more:
    // no need to read mountinfo for the rootfs's parent.
    bool noneShared = (rootProp & MS_REC) && (rootProp & (MS_SLAVE | MS_PRIVATE));
    if (!noneShared) {
        Step parent =
            simpleStep(StepKind::MakeParentMountPrivate, "root.path", ctx.rootfsPath, 0);
        parent.scope = Scope::Host;
        plan.push_back(parent);
    }
    Step bind = mountStep("root.path", ctx.rootfsPath, ctx.rootfsPath, "", MS_BIND | MS_REC, "",
                          CreateTarget::None);
    bind.scope = Scope::Host;
    bind.sourceIsHostPath = true;
    plan.push_back(bind);
    return plan;
}

Plan planMount(size_t index, const oci::Mount& m, const PlanContext& ctx, HostProbe& probe) {
    std::string dest = cleanPath("/" + m.destination);
    std::string what = "mounts[" + std::to_string(index) + "] " + dest;
    return withContext(what, [&] {
        if (m.destination.empty()) throw Error("destination is empty", EINVAL);
        MountOptions opts = parseMountOptions(m.options);
        bool bind = opts.isBind() || m.type == "bind" || m.type == "rbind";
        bool idmapped = opts.idmap || !m.uidMappings.empty() || !m.gidMappings.empty();
        if (m.type == "rbind") opts.flags |= MS_BIND | MS_REC;
        if (bind) opts.flags |= MS_BIND;
        std::string source = bind ? absoluteSource(m.source, ctx) : m.source;
        checkProcDestination(dest, m.type, bind, source, probe);

        Plan plan;
        if (bind) {
            if (source.empty()) throw Error("bind mount without a source", EINVAL);
            int err = 0;
            FileKind kind = probe.kindOf(source, &err);
            if (kind == FileKind::Missing) throw Error("bind source " + source, err);
            Step s =
                mountStep(what, source, dest, "", MS_BIND | (opts.flags & MS_REC), "",
                          kind == FileKind::Directory ? CreateTarget::Dir : CreateTarget::File);
            s.sourceIsHostPath = true;
            if (idmapped) addIdmap(s, m, opts, ctx);
            plan.push_back(s);
            addBindRemount(plan, what, dest, opts, source, probe);
            addAttrsAndPropagation(plan, what, dest, opts);
            return plan;
        }
        if (idmapped) throw Error("idmapped mounts must be bind mounts", EINVAL);
        if (m.type.empty()) throw Error("type is empty (and the options do not say bind)", EINVAL);
        if (m.type == "cgroup") {
            planCgroupMount(plan, what, dest, opts, ctx, probe);
            return plan;
        }
        Step s = mountStep(what, m.source.empty() ? m.type : m.source, dest, m.type, opts.flags,
                           opts.data, CreateTarget::Dir);
        // In a user namespace that does not own the net/ipc namespace the kernel refuses
        // sysfs/mqueue (EPERM); runc then binds the host's, and so do we.
        if (m.type == "sysfs") s.fallbackBindSource = "/sys";
        if (m.type == "mqueue") s.fallbackBindSource = "/dev/mqueue";
        plan.push_back(s);
        addAttrsAndPropagation(plan, what, dest, opts);
        return plan;
    });
}

Plan planMounts(const oci::Spec& spec, const PlanContext& ctx, HostProbe& probe) {
    Plan plan;
    for (size_t i = 0; i < spec.mounts.size(); ++i) {
        Plan one = planMount(i, spec.mounts[i], ctx, probe);
        plan.insert(plan.end(), one.begin(), one.end());
    }
    return plan;
}

}  // namespace berth::runtime::rootfs
