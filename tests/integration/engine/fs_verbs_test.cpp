// cp (both ways), diff, export, commit: behaviour, Docker's output where it is deterministic
// (harness/docker_peer.hpp), and the symlink escapes cp must never allow: a symlink in the
// container to "/" or "../.." resolves inside the container's rootfs, for reads and writes.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "harness/berth_env.hpp"
#include "harness/docker_peer.hpp"

using berth::test::asBerthText;
using berth::test::BerthEnv;
using berth::test::splitLines;

namespace {

std::string readText(const std::string& path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

void writeText(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

bool exists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

// Entry names of a tar held in a string (via `tar t`).
std::vector<std::string> tarNames(const std::string& tarBytes) {
    auto r = berth::test::runCommand({"tar", "t"}, tarBytes);
    return splitLines(r.out);
}

std::string containerId(const BerthEnv& env, const std::string& name) {
    return env.ok({"inspect", "--format", "{{.Id}}", name});
}

// The container's command: a small tree, a deletion, and the escape symlinks.
const std::vector<std::string> kSetup = {
    "sh", "-c",
    "mkdir -p /data/sub && echo one > /data/a && echo two > /data/sub/b && "
    "ln -s / /tmp/rootlink && ln -s ../../../.. /tmp/uplink && rm /bin/ls"};

std::vector<std::string> runArgs(const std::string& name) {
    std::vector<std::string> a = {"run", "--name", name, "busybox"};
    a.insert(a.end(), kSetup.begin(), kSetup.end());
    return a;
}

}  // namespace

TEST(FsVerbs, CpFromContainerPathRules) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    env.ok(runArgs("src"));
    std::string out = env.path("out");
    ::mkdir(out.c_str(), 0755);
    // A file to a new name, a dir into an existing dir, a dir's contents, a dir to a new name.
    env.ok({"cp", "src:/data/a", out + "/a-copy"});
    EXPECT_EQ(readText(out + "/a-copy"), "one\n");
    env.ok({"cp", "src:/data", out});
    EXPECT_EQ(readText(out + "/data/sub/b"), "two\n");
    ::mkdir((out + "/contents").c_str(), 0755);
    env.ok({"cp", "src:/data/.", out + "/contents"});
    EXPECT_EQ(readText(out + "/contents/a"), "one\n");
    env.ok({"cp", "src:/data", out + "/renamed"});
    EXPECT_EQ(readText(out + "/renamed/sub/b"), "two\n");
    // A file over an existing file: overwritten.
    writeText(out + "/over", "old");
    env.ok({"cp", "src:/data/a", out + "/over"});
    EXPECT_EQ(readText(out + "/over"), "one\n");
    // Docker's errors.
    auto r = env.run({"cp", "src:/data", out + "/over"});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_EQ(r.err, "cannot copy directory\n");
    r = env.run({"cp", "src:/data/a", out + "/nodir/"});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_EQ(r.err, "no such directory\n");
    r = env.run({"cp", "src:/nosuch", out});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_EQ(r.err, "Error response from daemon: Could not find the file /nosuch in container src\n");
    // The stopped container's rootfs was mounted for the copies and is unmounted again.
    for (auto& m : env.mountsUnderRoot()) EXPECT_EQ(m.find("/rootfs"), std::string::npos) << m;
}

TEST(FsVerbs, CpToContainerAndStreams) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    env.ok({"create", "--name", "dst", "busybox", "true"});
    std::string in = env.path("in");
    ::mkdir(in.c_str(), 0755);
    ::mkdir((in + "/tree").c_str(), 0755);
    writeText(in + "/tree/x", "x-data");
    writeText(in + "/file", "file-data");
    ::chown((in + "/file").c_str(), 1234, 1234);
    env.ok({"cp", in + "/file", "dst:/etc/"});
    env.ok({"cp", in + "/tree", "dst:/newtree"});
    // A tar stream from stdin into a directory.
    auto tar = berth::test::runCommand({"tar", "c", "-C", in, "tree"});
    ASSERT_EQ(tar.exitCode, 0);
    env.ok({"cp", "-", "dst:/tmp"}, tar.out);
    // Out as a stream again, and check what arrived.
    auto back = env.run({"cp", "dst:/tmp/tree", "-"});
    ASSERT_EQ(back.exitCode, 0) << back.err;
    EXPECT_EQ(sorted(tarNames(back.out)), (std::vector<std::string>{"tree/", "tree/x"}));
    std::string id = containerId(env, "dst");
    std::string upper = env.root() + "/containers/" + id + "/upper";
    EXPECT_EQ(readText(upper + "/etc/file"), "file-data");
    EXPECT_EQ(readText(upper + "/newtree/x"), "x-data");
    struct stat st {};
    ASSERT_EQ(::stat((upper + "/etc/file").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 0u);  // without -a: the container's root owns what is copied in
    env.ok({"cp", "-a", in + "/file", "dst:/etc/file-a"});
    ASSERT_EQ(::stat((upper + "/etc/file-a").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 1234u);
    // "-" needs a directory.
    auto r = env.run({"cp", "-", "dst:/etc/passwd"}, tar.out);
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_EQ(r.err, "destination \"dst:/etc/passwd\" must be a directory\n");
    r = env.run({"cp", in + "/nosuch", "dst:/tmp"});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_EQ(r.err, "lstat " + in + "/nosuch: no such file or directory\n");
    r = env.run({"cp", in + "/file", "dst:/nosuchdir/x"});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_EQ(r.err, "Error response from daemon: Could not find the file /nosuchdir in container dst\n");
}

// The heart of "tar-safe": nothing the container planted can make cp touch the host.
TEST(FsVerbs, CpSymlinkEscapesStayInsideTheContainer) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    env.ok(runArgs("esc"));
    std::string id = containerId(env, "esc");
    std::string upper = env.root() + "/containers/" + id + "/upper";
    std::string name = "berth-cp-escape-" + std::to_string(::getpid());
    std::string src = env.path(name);
    writeText(src, "planted");
    // Writes through "/tmp/rootlink" (→ /) and "/tmp/uplink" (→ ../../../..) land in the
    // container's root, never in the host's.
    env.ok({"cp", src, "esc:/tmp/rootlink/"});
    env.ok({"cp", src, "esc:/tmp/uplink/etc/"});
    EXPECT_FALSE(exists("/" + name));
    EXPECT_FALSE(exists("/etc/" + name));
    EXPECT_EQ(readText(upper + "/" + name), "planted");
    EXPECT_EQ(readText(upper + "/etc/" + name), "planted");
    // Reads through them see the container's files: its passwd, not the host's.
    std::string out = env.path("passwd-out");
    env.ok({"cp", "esc:/tmp/uplink/etc/passwd", out});
    EXPECT_EQ(readText(out), "root:x:0:0:root:/root:/bin/sh\n");
    // -L on a link to "/" copies the container's root, named after the link.
    auto r = env.run({"cp", "-L", "esc:/tmp/rootlink", "-"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto names = tarNames(r.out);
    EXPECT_NE(std::find(names.begin(), names.end(), "rootlink/data/a"), names.end());
    EXPECT_EQ(std::find(names.begin(), names.end(), "rootlink/root/"), names.end());  // no host /root
    // A tar stream that tries to leave the destination: "../" names and an entry through a
    // symlink it planted itself. Refused; the host stays untouched.
    std::string work = env.path("evil");
    ::mkdir(work.c_str(), 0755);
    ::symlink("/", (work + "/link").c_str());
    writeText(work + "/payload", "evil");
    auto dotdot = berth::test::runCommand(
        {"tar", "c", "-C", work, "--transform", "s,^payload,../../../../" + name + "-dotdot,", "payload"});
    r = env.run({"cp", "-", "esc:/tmp"}, dotdot.out);
    EXPECT_NE(r.exitCode, 0);
    EXPECT_FALSE(exists("/" + name + "-dotdot"));
    auto through = berth::test::runCommand(
        {"tar", "c", "-C", work, "link", "--transform", "s,^payload,link/tmp/" + name + "-through,", "payload"});
    r = env.run({"cp", "-", "esc:/tmp"}, through.out);
    EXPECT_NE(r.exitCode, 0);
    EXPECT_FALSE(exists("/tmp/" + name + "-through"));
    // A running container: the same, through its own view of its root.
    env.ok({"run", "-d", "--name", "live", "busybox", "sh", "-c",
            "ln -s / /tmp/rootlink && ln -s ../../.. /tmp/uplink && sleep 100"});
    for (int i = 0; i < 100 && env.run({"cp", "live:/tmp/uplink", "-"}).exitCode != 0; ++i) ::usleep(20000);
    env.ok({"cp", src, "live:/tmp/uplink/"});
    env.ok({"cp", src, "live:/tmp/rootlink/tmp/"});
    EXPECT_FALSE(exists("/" + name));
    EXPECT_FALSE(exists("/tmp/" + name));
    std::string liveUpper = env.root() + "/containers/" + containerId(env, "live") + "/upper";
    EXPECT_EQ(readText(liveUpper + "/" + name), "planted");
    EXPECT_EQ(readText(liveUpper + "/tmp/" + name), "planted");
    env.ok({"rm", "-f", "live"});
}

TEST(FsVerbs, DiffExportCommit) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    env.ok(runArgs("ch"));
    // A fresh container shows no changes (the engine's mount points are not changes).
    env.ok({"create", "--name", "fresh", "busybox", "true"});
    EXPECT_EQ(env.ok({"diff", "fresh"}), "");
    EXPECT_EQ(splitLines(env.ok({"diff", "ch"})),
              (std::vector<std::string>{"C /bin", "D /bin/ls", "A /data", "A /data/a", "A /data/sub",
                                        "A /data/sub/b", "C /tmp", "A /tmp/rootlink", "A /tmp/uplink"}));
    // export: the whole rootfs.
    auto ex = env.run({"export", "ch"});
    ASSERT_EQ(ex.exitCode, 0) << ex.err;
    auto names = tarNames(ex.out);
    for (const char* want : {"bin/busybox", "data/sub/b", "tmp/rootlink", "etc/passwd"})
        EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
    EXPECT_EQ(std::find(names.begin(), names.end(), "bin/ls"), names.end());
    std::string file = env.path("ch.tar");
    env.ok({"export", "-o", file, "ch"});
    EXPECT_EQ(sorted(tarNames(readText(file))), sorted(names));
    // commit → an image that runs with the changes and the new CMD; history shows the layer.
    std::string id = env.ok({"commit", "-a", "someone", "-m", "my message", "-c",
                             "CMD [\"cat\", \"/data/sub/b\"]", "ch", "committed:v1"});
    EXPECT_EQ(id.rfind("sha256:", 0), 0u) << id;
    EXPECT_EQ(id.size(), 71u);
    EXPECT_EQ(env.ok({"run", "--rm", "committed:v1"}), "two");
    auto ls = env.run({"run", "--rm", "committed:v1", "ls", "/"});
    EXPECT_NE(ls.exitCode, 0);  // /bin/ls was deleted: the whiteout travelled in the layer
    auto hist = splitLines(env.ok({"history", "--format", "{{.CreatedBy}}|{{.Comment}}", "committed:v1"}));
    ASSERT_GE(hist.size(), 2u);
    EXPECT_EQ(hist[0].substr(hist[0].find('|')), "|my message");
    EXPECT_EQ(hist[0].rfind("sh -c mkdir -p /data/sub", 0), 0u) << hist[0];
    EXPECT_EQ(env.ok({"image", "inspect", "--format", "{{.Author}}", "committed:v1"}), "someone");
    // A container of the committed image diffs clean.
    env.ok({"create", "--name", "fromcommit", "committed:v1"});
    EXPECT_EQ(env.ok({"diff", "fromcommit"}), "");
    // Errors as Docker's.
    auto r = env.run({"diff", "nosuch"});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_EQ(r.err, "Error response from daemon: No such container: nosuch\n");
    r = env.run({"commit", "-c", "BAD x", "ch"});
    EXPECT_EQ(r.exitCode, 1);
}

TEST(FsVerbs, RootfsUnmountedAfterExitAndMountedOnStart) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    env.ok({"run", "--name", "once", "busybox", "true"});
    for (auto& m : env.mountsUnderRoot()) EXPECT_EQ(m.find("/rootfs"), std::string::npos) << m;
    env.ok({"start", "once"});
    EXPECT_EQ(env.ok({"wait", "once"}), "0");
    for (auto& m : env.mountsUnderRoot()) EXPECT_EQ(m.find("/rootfs"), std::string::npos) << m;
    // diff/export/commit work on the unmounted container.
    EXPECT_EQ(env.ok({"diff", "once"}), "");
    EXPECT_EQ(env.run({"export", "once"}).exitCode, 0);
}

// The same commands against the Docker peer: what is deterministic must match.
TEST(FsVerbsVsDocker, OutputsAndErrorsMatch) {
    BERTH_REQUIRE_ROOT();
    BERTH_REQUIRE_DOCKER_PEER(docker);
    BerthEnv env;
    std::string tag = std::to_string(::getpid());
    std::string c = "fsv-" + tag;
    auto mine = env.run(runArgs(c));
    auto theirs = docker->run(runArgs(c));
    ASSERT_EQ(mine.exitCode, 0) << mine.err;
    ASSERT_EQ(theirs.exitCode, 0) << theirs.err;
    struct Cleanup {
        const berth::test::DockerPeer* d;
        std::string c;
        ~Cleanup() { d->run({"rm", "-f", c}); d->run({"rmi", "fsv-img:" + c}); }
    } cleanup{docker, c};
    // diff: Docker prints in directory order, berth sorted by path: compare as sets.
    EXPECT_EQ(sorted(splitLines(env.ok({"diff", c}))), sorted(splitLines(docker->run({"diff", c}).out)));
    // cp to a stream: the entry names.
    for (std::string p : {"/data", "/data/.", "/data/", "/data/a", "/tmp/rootlink"}) {
        auto a = env.run({"cp", c + ":" + p, "-"});
        auto b = docker->run({"cp", c + ":" + p, "-"});
        EXPECT_EQ(a.exitCode, b.exitCode) << p;
        EXPECT_EQ(sorted(tarNames(a.out)), sorted(tarNames(b.out))) << p;
    }
    // export: the image's files and the container's changes; Docker adds its init layer
    // (.dockerenv, dev/console, dev/pts/, dev/shm/, etc/mtab, etc/hostname ...): those aside.
    auto exportNames = [](const std::vector<std::string>& all) {
        std::vector<std::string> kept;
        for (auto& n : all) {
            if (n == ".dockerenv" || n.rfind("dev/", 0) == 0 || n == "etc/mtab" || n == "etc/hostname" ||
                n == "etc/hosts" || n == "etc/resolv.conf" || n == "proc/" || n == "sys/")
                continue;
            kept.push_back(n);
        }
        return sorted(kept);
    };
    EXPECT_EQ(exportNames(tarNames(env.run({"export", c}).out)),
              exportNames(tarNames(docker->run({"export", c}).out)));
    // Errors (client- and daemon-side) and exit codes.
    std::string out = env.path("cmp");
    ::mkdir(out.c_str(), 0755);
    writeText(out + "/file", "x");
    const std::vector<std::vector<std::string>> cases = {
        {"cp", c + ":/nosuch", out},
        {"cp", c + ":/data", out + "/file"},
        {"cp", c + ":/data/a", out + "/nodir/"},
        {"cp", "nosuch-" + tag + ":/x", out},
        {"cp", out + "/file", out + "/other"},
        {"cp", "a:/x", "b:/y"},
        {"cp", out + "/file", c + ":/nosuchdir/x"},
        {"cp", "-", c + ":/data/a"},
        {"diff", "nosuch-" + tag},
        {"export", "nosuch-" + tag},
        {"commit", "nosuch-" + tag},
        {"commit", "-c", "BAD x", c},
    };
    for (auto& args : cases) {
        auto a = env.run(args);
        auto b = docker->run(args);
        std::string shown;
        for (auto& s : args) shown += s + " ";
        EXPECT_EQ(a.exitCode, b.exitCode) << shown;
        // docker 20.10's client words cp's 404s "Error: No such container:path: C:/p"; newer
        // clients print the daemon's "Could not find the file /p in container C" (berth's).
        if (b.err.find("No such container:path") != std::string::npos) continue;
        EXPECT_EQ(a.err, asBerthText(b.err)) << shown;
    }
    // commit: same history columns for the new layer.
    env.ok({"commit", "-m", "msg", c, "fsv-img:" + c});
    ASSERT_EQ(docker->run({"commit", "-m", "msg", c, "fsv-img:" + c}).exitCode, 0);
    auto fmt = std::vector<std::string>{"history", "--no-trunc", "--format", "{{.CreatedBy}}|{{.Comment}}", "fsv-img:" + c};
    EXPECT_EQ(splitLines(env.ok(fmt))[0], splitLines(docker->run(fmt).out)[0]);
}
