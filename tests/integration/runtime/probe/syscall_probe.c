/* A static probe copied into test containers: makes one raw syscall per argument and prints
 * "<name> ok" or "<name> <errno name>", so a test sees exactly what seccomp answered. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char* errnoName(int e) {
    switch (e) {
        case EPERM: return "EPERM";
        case ENOSYS: return "ENOSYS";
        case EACCES: return "EACCES";
        case EINVAL: return "EINVAL";
        case ENOENT: return "ENOENT";
        default: return strerror(e);
    }
}

int main(int argc, char** argv) {
    for (int i = 1; i < argc; i++) {
        long r = -1;
        if (!strcmp(argv[i], "keyctl"))
            r = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
        else if (!strcmp(argv[i], "add_key"))
            r = syscall(SYS_add_key, "user", "berth-probe", "x", 1, KEY_SPEC_SESSION_KEYRING);
        else if (!strcmp(argv[i], "unshare"))
            r = unshare(CLONE_NEWNS);
        else if (!strcmp(argv[i], "mount"))
            r = mount("none", "/tmp", "tmpfs", 0, NULL);
        else if (!strcmp(argv[i], "mkdir700"))
            r = syscall(SYS_mkdirat, AT_FDCWD, "/tmp/m700", 0700);
        else if (!strcmp(argv[i], "mkdir755"))
            r = syscall(SYS_mkdirat, AT_FDCWD, "/tmp/m755", 0755);
        else if (!strcmp(argv[i], "getpid"))
            r = getpid();
        else {
            printf("%s unknown\n", argv[i]);
            continue;
        }
        if (r < 0) printf("%s %s\n", argv[i], errnoName(errno));
        else printf("%s ok\n", argv[i]);
    }
    return 0;
}
