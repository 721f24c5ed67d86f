#include "engine/monitor/volume_holds.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mount.h>

#include "common/error.hpp"
#include "common/mount_tree.hpp"
#include "engine/monitor/monitor_internal.hpp"

namespace berth::monitor {

namespace {

UniqueFd openDir(const std::string& dir) {
    return UniqueFd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
}

bool lockRetrying(int fd, int op) {
    while (::flock(fd, op) != 0)
        if (errno != EINTR) return false;
    return true;
}

}  // namespace

UniqueFd holdVolume(const std::string& volumeDir) {
    UniqueFd fd = openDir(volumeDir);
    if (!fd) throw SysError("open volume " + volumeDir);
    if (!lockRetrying(fd.get(), LOCK_SH)) throw SysError("flock volume " + volumeDir);
    return fd;
}

bool volumeHeld(const std::string& volumeDir) {
    UniqueFd fd = openDir(volumeDir);
    return fd && !lockRetrying(fd.get(), LOCK_EX | LOCK_NB);  // the lock goes with the fd
}

bool unmountVolumeIfUnheld(const std::string& volumeDir) {
    std::string data = volumeDir + "/_data";
    if (!isMountRoot(data)) return false;
    UniqueFd fd = openDir(volumeDir);
    if (!fd || !lockRetrying(fd.get(), LOCK_EX | LOCK_NB)) return false;  // a user holds it
    // (held until the unmount is done: a start waits for the volumes lock, which we hold)
    // Lazy: a `cp` or a shell of the admin inside it keeps its view; the path is free at once.
    return ::umount2(data.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) == 0;
}

void releaseVolumes(std::vector<UniqueFd>& holds, const std::vector<std::string>& volumeDirs) {
    holds.clear();
    if (volumeDirs.empty()) return;
    std::string volumesDir = volumeDirs.front().substr(0, volumeDirs.front().rfind('/'));
    UniqueFd lock(::open((volumesDir + "/" + kVolumesLockName).c_str(),
                         O_RDONLY | O_CREAT | O_CLOEXEC, 0600));
    if (!lock || !lockRetrying(lock.get(), LOCK_EX)) {
        diag("lock " + volumesDir + ": " + errnoName(errno) + " (volumes stay mounted)");
        return;
    }
    for (const auto& dir : volumeDirs) unmountVolumeIfUnheld(dir);
}

}  // namespace berth::monitor
