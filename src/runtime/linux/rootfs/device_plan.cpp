// Devices and /dev links (config-linux.md "Devices", "Default Devices", "Default File Systems").
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "common/error.hpp"
#include "common/safe_path.hpp"
#include "runtime/linux/rootfs/mount_plan.hpp"

namespace berth::runtime::rootfs {
namespace {

// config-linux.md "Default Devices": the runtime MUST supply these.
const oci::Device kDefaultDevices[] = {
    {"c", "/dev/null", 1, 3, 0666, 0, 0},    {"c", "/dev/zero", 1, 5, 0666, 0, 0},
    {"c", "/dev/full", 1, 7, 0666, 0, 0},    {"c", "/dev/random", 1, 8, 0666, 0, 0},
    {"c", "/dev/urandom", 1, 9, 0666, 0, 0}, {"c", "/dev/tty", 5, 0, 0666, 0, 0},
};

mode_t deviceTypeBits(const std::string& type) {
    if (type == "c" || type == "u") return S_IFCHR;  // "u": unbuffered character device
    if (type == "b") return S_IFBLK;
    if (type == "p") return S_IFIFO;
    throw Error("type \"" + type + "\" is not one of c, b, u, p", EINVAL);
}

void addDevice(Plan& plan, const std::string& what, const oci::Device& d, const PlanContext& ctx) {
    withContext(what, [&] {
        if (d.path.empty() || d.path[0] != '/') throw Error("path must be absolute", EINVAL);
        mode_t type = deviceTypeBits(d.type);
        if (d.major < 0 || d.minor < 0 || d.major > 0xfff || d.minor > 0xfffff)
            throw Error("major/minor out of range", EINVAL);
        std::string path = cleanPath(d.path);
        if (path == "/" || path == "/dev") throw Error("path must name a device node", EINVAL);
        Step s;
        s.what = what;
        s.target = path;
        if (ctx.inNewUserNamespace) {
            // mknod is refused in a user namespace: bind the host's node (runc
            // bindMountDeviceNode).
            s.kind = StepKind::Mount;
            s.source = path;
            s.sourceIsHostPath = true;
            s.flags = MS_BIND;
            s.create = CreateTarget::File;
        } else {
            s.kind = StepKind::Mknod;
            s.mode = type | ((d.fileMode ? *d.fileMode : 0666) & 07777);
            s.device = type == S_IFIFO ? 0 : makedev(d.major, d.minor);
            s.uid = d.uid.value_or(0);
            s.gid = d.gid.value_or(0);
        }
        plan.push_back(s);
    });
}

Step symlinkStep(const std::string& linkTarget, const std::string& path, bool replace) {
    Step s;
    s.kind = StepKind::Symlink;
    s.what = "/dev link " + path;
    s.target = path;
    s.linkTarget = linkTarget;
    s.replace = replace;
    return s;
}

}  // namespace

bool needsDevSetup(const oci::Spec& spec) {
    for (auto& m : spec.mounts) {
        if (cleanPath("/" + m.destination) != "/dev") continue;
        if (m.type == "bind" || m.type == "rbind") return false;
        for (auto& o : m.options)
            if (o == "bind" || o == "rbind") return false;
    }
    return true;
}

Plan planDevices(const oci::Spec& spec, const PlanContext& ctx) {
    Plan plan;
    const std::vector<oci::Device> none;
    const auto& configured = spec.linux ? spec.linux->devices : none;
    for (auto& d : kDefaultDevices) {
        bool overridden = false;
        for (auto& c : configured) overridden = overridden || cleanPath(c.path) == d.path;
        if (!overridden) addDevice(plan, "default device " + d.path, d, ctx);
    }
    for (size_t i = 0; i < configured.size(); ++i)
        addDevice(plan, "linux.devices[" + std::to_string(i) + "] " + configured[i].path,
                  configured[i], ctx);
    // The devpts instance's ptmx, so ptys opened in the container come from its own devpts
    // (config-linux.md "Default Devices": /dev/ptmx is a symlink to /dev/pts/ptmx).
    plan.push_back(symlinkStep("pts/ptmx", "/dev/ptmx", true));
    plan.push_back(symlinkStep("/proc/self/fd", "/dev/fd", false));
    plan.push_back(symlinkStep("/proc/self/fd/0", "/dev/stdin", false));
    plan.push_back(symlinkStep("/proc/self/fd/1", "/dev/stdout", false));
    plan.push_back(symlinkStep("/proc/self/fd/2", "/dev/stderr", false));
    if (!ctx.consolePath.empty()) {
        // process.terminal: the pty slave is the container's /dev/console (config.md).
        Step s;
        s.kind = StepKind::Mount;
        s.what = "/dev/console";
        s.source = ctx.consolePath;
        s.sourceIsHostPath = true;
        s.target = "/dev/console";
        s.flags = MS_BIND;
        s.create = CreateTarget::File;
        plan.push_back(s);
    }
    return plan;
}

}  // namespace berth::runtime::rootfs
