#include "runtime/linux/rootfs/plan_executor.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/mountinfo.hpp"
#include "common/safe_path.hpp"
#include "runtime/linux/rootfs/idmap_mount.hpp"
#include "runtime/linux/rootfs/mount_options.hpp"

namespace berth::runtime::rootfs {
namespace {

const char* orNull(const std::string& s) {
    return s.empty() ? nullptr : s.c_str();
}

void sysMount(const std::string& source, const std::string& target, const std::string& fstype,
              unsigned long flags, const std::string& data, const std::string& what) {
    if (::mount(orNull(source), target.c_str(), orNull(fstype), flags, orNull(data)) < 0)
        throw SysError(what);
}

}  // namespace

uint64_t mountIdOf(int fd) {
    struct statx sx {};
    if (::statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &sx) < 0)
        throw SysError("statx mount id");
    return sx.stx_mnt_id;
}

long fsTypeOfFd(int fd) {
    struct statfs sf {};
    if (::fstatfs(fd, &sf) < 0) throw SysError("fstatfs");
    return static_cast<long>(sf.f_type);
}

void setMountAttr(int fd, bool recursive, uint64_t attrSet, uint64_t attrClr,
                  uint64_t propagation) {
    struct mount_attr attr {};
    attr.attr_set = attrSet;
    attr.attr_clr = attrClr;
    attr.propagation = propagation;
    unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
    if (::syscall(SYS_mount_setattr, fd, "", flags, &attr, sizeof attr) < 0)
        throw SysError("mount_setattr");
}

void PlanExecutor::run(const Plan& plan) {
    for (const auto& step : plan) runStep(step);
}

void PlanExecutor::runStep(const Step& step) {
    withContext(step.what.empty() ? step.target : step.what, [&] {
        switch (step.kind) {
            case StepKind::Mount:
                mount(step);
                break;
            case StepKind::Remount:
                remount(step);
                break;
            case StepKind::Propagation:
                propagation(step);
                break;
            case StepKind::SetAttr:
                setAttr(step);
                break;
            case StepKind::MakeParentMountPrivate:
                makeParentMountPrivate(step);
                break;
            case StepKind::Mkdir:
                mkdir(step);
                break;
            case StepKind::Mknod:
                mknod(step);
                break;
            case StepKind::Symlink:
                symlink(step);
                break;
        }
    });
}

UniqueFd PlanExecutor::openTarget(const Step& step) {
    if (step.scope == Scope::Host) {
        UniqueFd fd(::open(step.target.c_str(), O_PATH | O_CLOEXEC));
        if (!fd) throw SysError("open " + step.target);
        return fd;
    }
    // CVE-2021-30465: the target is looked up inside the root; symlinks cannot lead out of it.
    return openInRoot(rootFd_, step.target, O_PATH);
}

UniqueFd PlanExecutor::createTarget(const Step& step) {
    if (step.scope == Scope::Host || step.create == CreateTarget::None) return openTarget(step);
    if (step.create == CreateTarget::Dir) return mkdirAllInRoot(rootFd_, step.target, 0755);
    std::string path = step.target;
    // A dangling symlink at the name is followed inside the root (as mkdirAllInRoot does for
    // directories): the file is created where the link points, within the rootfs.
    for (int hops = 0; hops < 40; ++hops) {
        UniqueFd fd = tryOpenInRoot(rootFd_, path, O_PATH);
        if (fd) return fd;
        if (errno != ENOENT) throw SysError("open " + path + " in root");
        auto [dir, name] = splitParent(path);
        UniqueFd parent = mkdirAllInRoot(rootFd_, dir, 0755);
        char link[4096];
        ssize_t n = ::readlinkat(parent.get(), name.c_str(), link, sizeof link - 1);
        if (n > 0) {
            link[n] = 0;
            path = cleanPath(link[0] == '/' ? std::string(link) : dir + "/" + link);
            continue;
        }
        // Created relative to the parent resolved in the root, never following a symlink.
        UniqueFd created(::openat(parent.get(), name.c_str(),
                                  O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644));
        if (!created && errno != EEXIST) throw SysError("create " + path + " in root");
    }
    throw Error("create " + step.target + " in root: too many symlinks", ELOOP);
}

void PlanExecutor::mount(const Step& step) {
    UniqueFd target = createTarget(step);
    std::string dest = step.scope == Scope::Host ? step.target : fdPath(target.get());
    if (step.scope == Scope::Root) {
        // A mount under /proc must land on the real procfs mounted earlier, not on a look-alike
        // directory shipped in the image (CVE-2019-16884 lesson). (/sys has no such check:
        // mounts below it legitimately sit on tmpfs or cgroup filesystems.)
        if (isPathWithin(step.target, "/proc") && step.target != "/proc" &&
            fsTypeOfFd(target.get()) != PROC_SUPER_MAGIC)
            throw Error("target " + step.target + " is not on procfs", EXDEV);
    }
    uint64_t before = step.scope == Scope::Root ? mountIdOf(target.get()) : 0;
    if (!step.uidMappings.empty()) {
        UniqueFd userns = withContext("idmap user namespace", [&] {
            return makeMappedUserNamespace(step.uidMappings, step.gidMappings);
        });
        idmappedBind(step.source, target.get(), step.flags & MS_REC, step.idmapRecursive,
                     userns.get());
    } else if (::mount(orNull(step.source), dest.c_str(), orNull(step.fstype), step.flags,
                       orNull(step.data)) < 0) {
        int err = errno;
        if (err != EPERM && err != EBUSY) throw SysError("mount " + describeStep(step), err);
        if (step.fallbackBindSource.empty()) throw SysError("mount " + describeStep(step), err);
        sysMount(step.fallbackBindSource, dest, "", MS_BIND | MS_REC, "",
                 "bind " + step.fallbackBindSource + " (after " + errnoName(err) + " mounting " +
                     step.fstype + ")");
        unsigned long extra = step.flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
        if (extra) {
            UniqueFd top = openTarget(step);
            struct statvfs sv {};
            if (::fstatvfs(top.get(), &sv) < 0) throw SysError("fstatvfs " + step.target);
            unsigned long keep =
                mountFlagsFromStatvfs(sv.f_flag) &
                (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME);
            sysMount("", fdPath(top.get()), "", MS_BIND | MS_REMOUNT | extra | keep, "",
                     "remount " + step.target);
        }
    }
    if (step.scope == Scope::Root) {
        // The path must now lead to the new mount: if something swapped the path during the
        // mount, the lookup lands elsewhere and we refuse to go on.
        UniqueFd after = openInRoot(rootFd_, step.target, O_PATH);
        if (mountIdOf(after.get()) == before)
            throw Error("mount did not appear at " + step.target + " (path changed?)", EXDEV);
    }
}

void PlanExecutor::remount(const Step& step) {
    UniqueFd target = openTarget(step);
    std::string dest = step.scope == Scope::Host ? step.target : fdPath(target.get());
    sysMount("", dest, "", step.flags | MS_REMOUNT, step.data, "remount " + describeStep(step));
}

void PlanExecutor::propagation(const Step& step) {
    UniqueFd target = openTarget(step);
    std::string dest = step.scope == Scope::Host ? step.target : fdPath(target.get());
    sysMount("", dest, "", step.flags, "", "set propagation " + describeStep(step));
}

void PlanExecutor::setAttr(const Step& step) {
    UniqueFd target = openTarget(step);
    withContext("set attributes on " + step.target,
                [&] { setMountAttr(target.get(), step.recursive, step.attrSet, step.attrClr); });
}

void PlanExecutor::makeParentMountPrivate(const Step& step) {
    auto mounts = parseMountInfo(readFile("/proc/self/mountinfo"));
    // The mount holding the rootfs (the rootfs itself when it is a mount point, e.g. an
    // overlay): the self-bind joins its peer group if it is shared, and every mount made
    // inside the container would then propagate back to the host.
    const MountInfoEntry* holder = findMountHolding(mounts, step.target);
    if (!holder || !holder->isShared()) return;
    sysMount("", holder->mountPoint, "", MS_PRIVATE, "",
             "make " + holder->mountPoint + " private (pivot_root needs it)");
}

void PlanExecutor::mkdir(const Step& step) {
    mkdirAllInRoot(rootFd_, step.target, step.mode);
}

void PlanExecutor::mknod(const Step& step) {
    auto [dir, name] = splitParent(step.target);
    // The directory as resolved inside the root (an O_PATH fd serves the *at calls below).
    UniqueFd parent = mkdirAllInRoot(rootFd_, dir, 0755);
    struct stat st {};
    if (::fstatat(parent.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
        // Whatever the image put there (a file, a symlink to a host path) is replaced by the
        // node we were asked for.
        if (S_ISDIR(st.st_mode)) throw Error("a directory is in the way", EISDIR);
        if (::unlinkat(parent.get(), name.c_str(), 0) < 0) throw SysError("unlink old node");
    }
    if (::mknodat(parent.get(), name.c_str(), step.mode, step.device) < 0) throw SysError("mknod");
    if (::fchownat(parent.get(), name.c_str(), step.uid, step.gid, AT_SYMLINK_NOFOLLOW) < 0)
        throw SysError("chown");
    // mknod's mode is filtered by the umask; set the requested one exactly.
    UniqueFd node(::openat(parent.get(), name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!node) throw SysError("open new node");
    if (::fchmodat(AT_FDCWD, fdPath(node.get()).c_str(), step.mode & 07777, 0) < 0)
        throw SysError("chmod");
}

void PlanExecutor::symlink(const Step& step) {
    auto [dir, name] = splitParent(step.target);
    UniqueFd parent = mkdirAllInRoot(rootFd_, dir, 0755);
    if (step.replace && ::unlinkat(parent.get(), name.c_str(), 0) < 0 && errno != ENOENT)
        throw SysError("remove old " + step.target);
    if (::symlinkat(step.linkTarget.c_str(), parent.get(), name.c_str()) < 0 && errno != EEXIST)
        throw SysError("symlink " + step.target + " -> " + step.linkTarget);
}

}  // namespace berth::runtime::rootfs
