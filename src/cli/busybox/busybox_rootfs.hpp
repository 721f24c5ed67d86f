// A minimal busybox root filesystem, written as a tar in process (libarchive): the README's
// first image and the test suites' workhorse. Made from Debian's busybox-static.
//   /bin/busybox, one symlink per applet (busybox --list-full), /etc/passwd, /etc/group,
//   /etc/hosts, /etc/nsswitch.conf, /tmp (1777), /root (0700), /proc /sys /dev /run /var ...
#pragma once

#include <string>
#include <vector>

namespace berth::cli {

inline constexpr const char* kDefaultBusybox = "/bin/busybox";

// The applet paths busybox reports ("bin/ls", "usr/sbin/chroot"...), without bin/busybox.
// Throws berth::Error naming the binary when it can't be run.
std::vector<std::string> busyboxApplets(const std::string& busyboxPath);

// Writes the rootfs as an uncompressed tar to fd (not closed). Every entry is owned by root
// and carries the busybox binary's mtime, so the layer (and its diff ID) is reproducible.
void writeBusyboxRootfsTar(int fd, const std::string& busyboxPath = kDefaultBusybox);

}  // namespace berth::cli
