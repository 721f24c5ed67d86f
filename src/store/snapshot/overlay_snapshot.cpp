#include "store/snapshot/overlay_snapshot.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/fd.hpp"
#include "common/file_io.hpp"
#include "common/log.hpp"

namespace berth::store {

namespace {

void checkLegacySafe(const std::string& path) {
    if (path.find_first_of(",:\n") != std::string::npos)
        throw Error("overlay path \"" + path + "\" contains ',' ':' or a newline", EINVAL);
}

void validate(const OverlayLayout& l) {
    if (l.lowerDirs.empty()) throw Error("overlay needs at least one lower dir", EINVAL);
    if (l.upperDir.empty() && l.lowerDirs.size() < 2)
        throw Error("a read-only overlay needs at least two lower dirs", EINVAL);
    if (!l.upperDir.empty() && l.workDir.empty())
        throw Error("overlay upper dir " + l.upperDir + " needs a work dir", EINVAL);
    if (l.mergedDir.empty()) throw Error("overlay needs a mount point", EINVAL);
}

void setString(int fsfd, const char* key, const std::string& value) {
    if (::fsconfig(fsfd, FSCONFIG_SET_STRING, key, value.c_str(), 0) < 0)
        throw SysError(std::string("overlay option ") + key + "=" + value);
}

// fsopen/fsconfig/fsmount/move_mount. Returns false (errno EINVAL) if the kernel lacks
// "lowerdir+" so the caller can fall back.
bool mountWithNewApi(const OverlayLayout& l) {
    UniqueFd fs(::fsopen("overlay", FSOPEN_CLOEXEC));
    if (!fs) throw SysError("fsopen overlay");
    for (size_t i = 0; i < l.lowerDirs.size(); ++i) {
        if (::fsconfig(fs.get(), FSCONFIG_SET_STRING, "lowerdir+", l.lowerDirs[i].c_str(), 0) < 0) {
            if (errno == EINVAL && i == 0) return false;  // kernel < 6.8: no "lowerdir+"
            throw SysError("overlay lowerdir+ " + l.lowerDirs[i]);
        }
    }
    if (!l.upperDir.empty()) {
        setString(fs.get(), "upperdir", l.upperDir);
        setString(fs.get(), "workdir", l.workDir);
        if (l.volatileUpper && ::fsconfig(fs.get(), FSCONFIG_SET_FLAG, "volatile", nullptr, 0) < 0)
            throw SysError("overlay option volatile for " + l.mergedDir);
    }
    // index=off: layers are shared by many overlays at once; the inode index would tie a
    // lower to the first upper that used it (as Docker's overlay2 does).
    ::fsconfig(fs.get(), FSCONFIG_SET_STRING, "index", "off", 0);
    if (::fsconfig(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0)
        throw SysError("create overlay for " + l.mergedDir);
    UniqueFd mnt(::fsmount(fs.get(), FSMOUNT_CLOEXEC, 0));
    if (!mnt) throw SysError("fsmount overlay");
    if (::move_mount(mnt.get(), "", AT_FDCWD, l.mergedDir.c_str(), MOVE_MOUNT_F_EMPTY_PATH) < 0)
        throw SysError("move overlay mount to " + l.mergedDir);
    return true;
}

}  // namespace

std::string legacyOverlayOptions(const OverlayLayout& l) {
    validate(l);
    std::string lower;
    for (const auto& d : l.lowerDirs) {
        checkLegacySafe(d);
        lower += (lower.empty() ? "" : ":") + d;
    }
    std::string opts = "lowerdir=" + lower;
    if (!l.upperDir.empty()) {
        checkLegacySafe(l.upperDir);
        checkLegacySafe(l.workDir);
        opts += ",upperdir=" + l.upperDir + ",workdir=" + l.workDir;
        if (l.volatileUpper) opts += ",volatile";
    }
    return opts + ",index=off";
}

OverlaySnapshot OverlaySnapshot::mount(const OverlayLayout& layout) {
    validate(layout);
    if (!layout.upperDir.empty()) {
        mkdirAll(layout.upperDir);
        mkdirAll(layout.workDir);
    }
    mkdirAll(layout.mergedDir);
    if (!mountWithNewApi(layout)) {
        std::string opts = legacyOverlayOptions(layout);
        // The legacy mount data is one page (minus the NUL).
        if (opts.size() >= 4096)
            throw Error("overlay of " + std::to_string(layout.lowerDirs.size()) +
                            " layers: options too long for mount(2) and the kernel has no "
                            "\"lowerdir+\"",
                        E2BIG);
        if (::mount("overlay", layout.mergedDir.c_str(), "overlay", 0, opts.c_str()) < 0)
            throw SysError("mount overlay on " + layout.mergedDir);
    }
    OverlaySnapshot snap;
    snap.layout_ = layout;
    snap.mounted_ = true;
    return snap;
}

OverlaySnapshot::OverlaySnapshot(OverlaySnapshot&& other) noexcept
    : layout_(std::move(other.layout_)), mounted_(std::exchange(other.mounted_, false)) {}

OverlaySnapshot& OverlaySnapshot::operator=(OverlaySnapshot&& other) noexcept {
    if (this != &other) {
        if (mounted_) {
            try {
                unmount();
            } catch (const std::exception& e) {
                logWarn(e.what());
            }
        }
        layout_ = std::move(other.layout_);
        mounted_ = std::exchange(other.mounted_, false);
    }
    return *this;
}

OverlaySnapshot::~OverlaySnapshot() {
    if (!mounted_) return;
    try {
        unmount();
    } catch (const std::exception& e) {
        logWarn(e.what());
    }
}

void unmountOverlay(const std::string& mergedDir) {
    if (::umount2(mergedDir.c_str(), UMOUNT_NOFOLLOW) == 0) return;
    if (errno == EINVAL || errno == ENOENT) return;  // not a mount point
    if (errno == EBUSY && ::umount2(mergedDir.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) == 0) return;
    throw SysError("unmount overlay " + mergedDir);
}

void OverlaySnapshot::unmount() {
    if (!mounted_) return;
    unmountOverlay(layout_.mergedDir);
    mounted_ = false;
}

void OverlaySnapshot::remove() {
    unmount();
    if (!layout_.upperDir.empty()) removeAll(layout_.upperDir);
    if (!layout_.workDir.empty()) removeAll(layout_.workDir);
    ::rmdir(layout_.mergedDir.c_str());
}

bool overlaySupported(const std::string& dir) {
    std::string tmpl = dir + "/.overlay-probe-XXXXXX";
    if (!::mkdtemp(tmpl.data())) return false;
    std::string base = tmpl;
    bool ok = false;
    try {
        OverlayLayout l{{base + "/lower"}, base + "/upper", base + "/work", base + "/merged"};
        mkdirAll(base + "/lower");
        OverlaySnapshot snap = OverlaySnapshot::mount(l);
        ok = true;
        snap.unmount();
    } catch (const std::exception& e) {
        logDebug(std::string("overlay not usable under ") + dir + ": " + e.what());
    }
    try {
        removeAll(base);
    } catch (const std::exception& e) {
        logWarn(e.what());
    }
    return ok;
}

}  // namespace berth::store
