#include "cli/busybox/busybox_rootfs.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <memory>
#include <set>

#include "common/error.hpp"
#include "common/fd.hpp"
#include "common/strings.hpp"

extern char** environ;

namespace berth::cli {
namespace {

// Debian busybox image's accounts (what `docker run busybox cat /etc/passwd` shows).
const char* kPasswd =
    "root:x:0:0:root:/root:/bin/sh\n"
    "daemon:x:1:1:daemon:/usr/sbin:/bin/false\n"
    "bin:x:2:2:bin:/bin:/bin/false\n"
    "sys:x:3:3:sys:/dev:/bin/false\n"
    "sync:x:4:100:sync:/bin:/bin/sync\n"
    "mail:x:8:8:mail:/var/spool/mail:/bin/false\n"
    "www-data:x:33:33:www-data:/var/www:/bin/false\n"
    "operator:x:37:37:Operator:/var:/bin/false\n"
    "nobody:x:65534:65534:nobody:/home:/bin/false\n";
const char* kGroup =
    "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\ndisk:x:6:\nlp:x:7:\n"
    "mail:x:8:\nkmem:x:9:\nwheel:x:10:root\ncdrom:x:11:\ndialout:x:18:\nfloppy:x:19:\n"
    "video:x:28:\naudio:x:29:\ntape:x:32:\nwww-data:x:33:\noperator:x:37:\nutmp:x:43:\n"
    "plugdev:x:46:\nstaff:x:50:\nlock:x:54:\nnetdev:x:82:\nusers:x:100:\nnogroup:x:65534:\n";
const char* kShadow = "root:*:10933:0:99999:7:::\nnobody:*:10933:0:99999:7:::\n";
const char* kHosts = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";
const char* kNsswitch = "hosts: files dns\nnetworks: files\npasswd: files\ngroup: files\n";

struct Dir {
    const char* path;
    unsigned mode;
};
const Dir kDirs[] = {
    {"bin", 0755},      {"dev", 0755},     {"etc", 0755},       {"home", 0755},
    {"proc", 0555},     {"root", 0700},    {"run", 0755},       {"sbin", 0755},
    {"sys", 0555},      {"tmp", 01777},    {"usr", 0755},       {"usr/bin", 0755},
    {"usr/sbin", 0755}, {"var", 0755},     {"var/spool", 0755}, {"var/spool/mail", 0755},
    {"var/www", 0755},  {"var/tmp", 01777}};

using ArchivePtr = std::unique_ptr<archive, decltype(&archive_write_free)>;
using EntryPtr = std::unique_ptr<archive_entry, decltype(&archive_entry_free)>;

class TarWriter {
  public:
    TarWriter(int fd, time_t mtime) : a_(archive_write_new(), archive_write_free), mtime_(mtime) {
        if (archive_write_set_format_pax_restricted(a_.get()) != ARCHIVE_OK ||
            archive_write_open_fd(a_.get(), fd) != ARCHIVE_OK)
            fail("open tar writer");
    }

    void dir(const std::string& path, unsigned mode) { header(path + "/", AE_IFDIR, mode, 0); }

    void symlink(const std::string& path, const std::string& target) {
        EntryPtr e = entry(path, AE_IFLNK, 0777, 0);
        archive_entry_set_symlink(e.get(), target.c_str());
        write(e.get());
    }

    void file(const std::string& path, unsigned mode, const std::string& data) {
        header(path, AE_IFREG, mode, static_cast<int64_t>(data.size()));
        if (!data.empty() && archive_write_data(a_.get(), data.data(), data.size()) < 0)
            fail("write " + path);
    }

    void fileFrom(const std::string& path, unsigned mode, int srcFd, int64_t size) {
        header(path, AE_IFREG, mode, size);
        char buf[1 << 16];
        for (;;) {
            ssize_t n = ::read(srcFd, buf, sizeof buf);
            if (n < 0) throw SysError("read busybox binary");
            if (n == 0) break;
            if (archive_write_data(a_.get(), buf, static_cast<size_t>(n)) < 0)
                fail("write " + path);
        }
    }

    void close() {
        if (archive_write_close(a_.get()) != ARCHIVE_OK) fail("finish tar");
    }

  private:
    EntryPtr entry(const std::string& path, unsigned type, unsigned mode, int64_t size) {
        EntryPtr e(archive_entry_new(), archive_entry_free);
        archive_entry_set_pathname(e.get(), path.c_str());
        archive_entry_set_filetype(e.get(), type);
        archive_entry_set_perm(e.get(), mode);
        archive_entry_set_uid(e.get(), 0);
        archive_entry_set_gid(e.get(), 0);
        archive_entry_set_mtime(e.get(), mtime_, 0);
        archive_entry_set_size(e.get(), size);
        return e;
    }
    void header(const std::string& path, unsigned type, unsigned mode, int64_t size) {
        EntryPtr e = entry(path, type, mode, size);
        write(e.get());
    }
    void write(archive_entry* e) {
        if (archive_write_header(a_.get(), e) != ARCHIVE_OK)
            fail(std::string("write header of ") + archive_entry_pathname(e));
    }
    [[noreturn]] void fail(const std::string& what) {
        const char* msg = archive_error_string(a_.get());
        throw Error("busybox rootfs tar: " + what + ": " + (msg ? msg : "unknown error"));
    }

    ArchivePtr a_;
    time_t mtime_;
};

std::string runAndCapture(const std::vector<std::string>& argv) {
    Pipe p = Pipe::make();
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p.write.get(), STDOUT_FILENO);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, argv[0].c_str(), &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) throw SysError("run " + argv[0], rc);
    p.write.reset();
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(p.read.get(), buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw Error(
            "run " + join(argv, " ") + ": exited with status " +
            std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)));
    return out;
}

}  // namespace

std::vector<std::string> busyboxApplets(const std::string& busyboxPath) {
    std::vector<std::string> applets;
    for (auto& line : split(runAndCapture({busyboxPath, "--list-full"}), '\n')) {
        std::string a = trim(line);
        while (!a.empty() && a[0] == '/') a.erase(0, 1);
        if (a.empty() || a == "bin/busybox" || a.find("..") != std::string::npos) continue;
        applets.push_back(a);
    }
    if (applets.empty()) throw Error(busyboxPath + " --list-full listed no applets");
    return applets;
}

void writeBusyboxRootfsTar(int fd, const std::string& busyboxPath) {
    UniqueFd bin(::open(busyboxPath.c_str(), O_RDONLY | O_CLOEXEC));
    if (!bin)
        throw SysError("open " + busyboxPath +
                       " (install Debian's busybox-static: apt-get install busybox-static)");
    struct stat st;
    if (fstat(bin.get(), &st) != 0) throw SysError("stat " + busyboxPath);
    if (!S_ISREG(st.st_mode)) throw Error(busyboxPath + " is not a regular file");
    std::vector<std::string> applets = busyboxApplets(busyboxPath);

    TarWriter tar(fd, st.st_mtime);
    std::set<std::string> dirs;
    for (const Dir& d : kDirs) {
        tar.dir(d.path, d.mode);
        dirs.insert(d.path);
    }
    tar.fileFrom("bin/busybox", 0755, bin.get(), st.st_size);
    for (const auto& a : applets) {
        auto slash = a.rfind('/');
        std::string parent = slash == std::string::npos ? "" : a.substr(0, slash);
        if (!parent.empty() && !dirs.count(parent)) {
            tar.dir(parent, 0755);
            dirs.insert(parent);
        }
        tar.symlink(a, "/bin/busybox");
    }
    tar.file("etc/passwd", 0644, kPasswd);
    tar.file("etc/group", 0644, kGroup);
    tar.file("etc/shadow", 0640, kShadow);
    tar.file("etc/hosts", 0644, kHosts);
    tar.file("etc/hostname", 0644, "");
    tar.file("etc/resolv.conf", 0644, "");
    tar.file("etc/nsswitch.conf", 0644, kNsswitch);
    tar.close();
}

}  // namespace berth::cli
