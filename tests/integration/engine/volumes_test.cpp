// Volumes through the `berth` binary, as root, on a private --root: named volumes persist across
// containers, ro is really read-only, bind propagation, copy-up from the image (owners, modes,
// xattrs, links), anonymous volumes from the image's VOLUME, rm -v / run --rm, prune, tmpfs,
// the local driver's tmpfs option, bad input that creates nothing, and the volume verbs' output
// against the Docker peer where it is deterministic.
#include <gtest/gtest.h>

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <functional>

#include "common/file_io.hpp"
#include "harness/berth_env.hpp"
#include "harness/docker_peer.hpp"

using berth::test::asBerthText;
using berth::test::BerthEnv;
using berth::test::splitLines;

namespace {

class Volumes : public ::testing::Test {
  protected:
    void SetUp() override {
        BERTH_REQUIRE_ROOT();
        env_ = std::make_unique<BerthEnv>("berth-volumes-it");
    }
    void TearDown() override {
        if (!env_) return;
        for (auto& v : volumeNames()) env_->run({"volume", "rm", "-f", v});
        env_.reset();
    }
    std::vector<std::string> volumeNames() { return splitLines(env_->ok({"volume", "ls", "-q"})); }
    size_t containerCount() { return splitLines(env_->ok({"ps", "-aq"})).size(); }

    // An image with VOLUME /data holding content of several kinds (a full busybox rootfs).
    std::string makeVolumeImage() {
        std::string rootfs = env_->path("imgroot");
        berth::test::makeBusyboxRootfs(rootfs);
        berth::mkdirAll(rootfs + "/data/sub");
        berth::writeFile(rootfs + "/data/hello", "from the image\n");
        EXPECT_EQ(::chown((rootfs + "/data/hello").c_str(), 1234, 5678), 0);
        EXPECT_EQ(::chmod((rootfs + "/data/hello").c_str(), 0640), 0);
        EXPECT_EQ(::chown((rootfs + "/data").c_str(), 1000, 1000), 0);
        EXPECT_EQ(::chmod((rootfs + "/data").c_str(), 0751), 0);
        EXPECT_EQ(::symlink("hello", (rootfs + "/data/link").c_str()), 0);
        EXPECT_EQ(::link((rootfs + "/data/hello").c_str(), (rootfs + "/data/sub/hard").c_str()), 0);
        ::setxattr((rootfs + "/data/hello").c_str(), "user.berth", "x1", 2, 0);
        std::string tar = env_->path("img.tar");
        auto r = berth::test::runCommand({"tar", "--xattrs", "--xattrs-include=*", "-C", rootfs, "-cf", tar, "."});
        EXPECT_EQ(r.exitCode, 0) << r.err;
        env_->ok({"import", "--change", "VOLUME /data", "--change", "CMD [\"sh\"]", tar, "volimg:1"});
        return "volimg:1";
    }

    std::unique_ptr<BerthEnv> env_;
};

TEST_F(Volumes, NamedVolumePersistsAcrossContainers) {
    EXPECT_EQ(env_->ok({"volume", "create", "data1"}), "data1");
    env_->ok({"run", "--rm", "-v", "data1:/data", "busybox", "sh", "-c", "echo kept > /data/f"});
    EXPECT_EQ(env_->ok({"run", "--rm", "-v", "data1:/x", "busybox", "cat", "/x/f"}), "kept");
    // --mount type=volume names the same volume; a volume used first by run is created.
    EXPECT_EQ(env_->ok({"run", "--rm", "--mount", "source=data1,target=/m", "busybox", "cat", "/m/f"}), "kept");
    env_->ok({"run", "--rm", "-v", "made2:/d", "busybox", "true"});
    auto v = nlohmann::json::parse(env_->ok({"volume", "inspect", "made2"}));
    EXPECT_EQ(v[0]["Mountpoint"], env_->root() + "/volumes/made2/_data");
    EXPECT_EQ(v[0]["Labels"], nullptr);  // named: not anonymous
    EXPECT_EQ(berth::readFile(env_->root() + "/volumes/data1/_data/f"), "kept\n");
}

TEST_F(Volumes, ReadOnlyIsReadOnly) {
    env_->ok({"volume", "create", "rov"});
    auto r = env_->run({"run", "--rm", "-v", "rov:/d:ro", "busybox", "sh", "-c", "echo x > /d/f"});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.err.find("Read-only file system"), std::string::npos) << r.err;
    std::string host = env_->path("hostdir");
    berth::mkdirAll(host);
    r = env_->run({"run", "--rm", "--mount", "type=bind,source=" + host + ",target=/b,readonly", "busybox",
                   "sh", "-c", "echo x > /b/f"});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_FALSE(berth::pathExists(host + "/f"));
    env_->ok({"run", "--rm", "-v", host + ":/b", "busybox", "sh", "-c", "echo rw > /b/f"});
    EXPECT_EQ(berth::readFile(host + "/f"), "rw\n");
    // -v creates a missing host directory (--mount refuses it: see BadInput).
    env_->ok({"run", "--rm", "-v", host + "/new/dir:/n", "busybox", "true"});
    EXPECT_TRUE(berth::pathExists(host + "/new/dir"));
}

// A mount made on the host under a shared bind source after the container started reaches it
// with rslave, not with the default rprivate.
TEST_F(Volumes, BindPropagation) {
    std::string host = env_->path("prop");
    berth::mkdirAll(host + "/sub");
    ASSERT_EQ(::mount(host.c_str(), host.c_str(), nullptr, MS_BIND, nullptr), 0);
    ASSERT_EQ(::mount(nullptr, host.c_str(), nullptr, MS_SHARED, nullptr), 0);
    std::string loop = "for i in $(seq 50); do [ -e /h/sub/marker ] && { echo seen; exit 0; }; sleep 0.1; done; echo unseen";
    std::string slave = env_->ok({"run", "-d", "-v", host + ":/h:rslave", "busybox", "sh", "-c", loop});
    std::string priv = env_->ok({"run", "-d", "-v", host + ":/h", "busybox", "sh", "-c", loop});
    usleep(300 * 1000);
    ASSERT_EQ(::mount("tmpfs", (host + "/sub").c_str(), "tmpfs", 0, "size=1m"), 0);
    berth::writeFile(host + "/sub/marker", "1");
    env_->ok({"wait", slave});
    env_->ok({"wait", priv});
    EXPECT_EQ(env_->ok({"logs", slave}), "seen");
    EXPECT_EQ(env_->ok({"logs", priv}), "unseen");
    auto mounts = env_->inspect(slave)["Mounts"];
    ASSERT_EQ(mounts.size(), 1u);
    EXPECT_EQ(mounts[0]["Propagation"], "rslave");
    EXPECT_EQ(mounts[0]["Mode"], "rslave");
    env_->ok({"rm", slave, priv});
    ::umount2((host + "/sub").c_str(), MNT_DETACH);
    ::umount2(host.c_str(), MNT_DETACH);
}

TEST_F(Volumes, AnonymousFromImageVolumeWithCopyUp) {
    std::string image = makeVolumeImage();
    std::string id = env_->ok({"create", image});
    auto vols = volumeNames();
    ASSERT_EQ(vols.size(), 1u);
    std::string anon = vols[0];
    EXPECT_EQ(anon.size(), 64u);
    auto c = env_->inspect(id);
    EXPECT_EQ(c["Config"]["Volumes"], nlohmann::json::parse(R"({"/data":{}})"));
    ASSERT_EQ(c["Mounts"].size(), 1u);
    EXPECT_EQ(c["Mounts"][0]["Type"], "volume");
    EXPECT_EQ(c["Mounts"][0]["Name"], anon);
    EXPECT_EQ(c["Mounts"][0]["Destination"], "/data");
    auto v = nlohmann::json::parse(env_->ok({"volume", "inspect", anon}));
    EXPECT_EQ(v[0]["Labels"], nlohmann::json::parse(R"({"com.docker.volume.anonymous":""})"));

    // Copied up: content, owners, modes, the symlink, the hard link, the xattr.
    std::string data = env_->root() + "/volumes/" + anon + "/_data";
    struct stat st {};
    ASSERT_EQ(::stat(data.c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 1000u);
    EXPECT_EQ(st.st_mode & 07777, 0751u);
    ASSERT_EQ(::lstat((data + "/hello").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 1234u);
    EXPECT_EQ(st.st_gid, 5678u);
    EXPECT_EQ(st.st_mode & 07777, 0640u);
    EXPECT_EQ(st.st_nlink, 2u);
    EXPECT_EQ(berth::readFile(data + "/sub/hard"), "from the image\n");
    char target[64] = {};
    ASSERT_GT(::readlink((data + "/link").c_str(), target, sizeof target - 1), 0);
    EXPECT_STREQ(target, "hello");
    char xv[8] = {};
    std::string layerValue;
    if (::getxattr((env_->path("imgroot") + "/data/hello").c_str(), "user.berth", xv, sizeof xv) == 2) {
        char got[8] = {};
        ssize_t n = ::getxattr((data + "/hello").c_str(), "user.berth", got, sizeof got);
        if (n < 0) GTEST_LOG_(INFO) << "xattr not in the volume (import may drop it)";
        else EXPECT_STREQ(got, "x1");
    }

    // rm without -v keeps the anonymous volume; rm -v removes it.
    env_->ok({"rm", id});
    EXPECT_EQ(volumeNames().size(), 1u);
    env_->ok({"volume", "rm", anon});
    id = env_->ok({"create", image});
    ASSERT_EQ(volumeNames().size(), 1u);
    env_->ok({"rm", "-v", id});
    EXPECT_TRUE(volumeNames().empty());

    // A named volume over the VOLUME: copied up into it when empty, never when not.
    env_->ok({"run", "--rm", "-v", "named1:/data", image, "true"});
    EXPECT_EQ(berth::readFile(env_->root() + "/volumes/named1/_data/hello"), "from the image\n");
    env_->ok({"volume", "create", "named2"});
    berth::writeFile(env_->root() + "/volumes/named2/_data/mine", "x");
    env_->ok({"run", "--rm", "-v", "named2:/data", image, "true"});
    EXPECT_FALSE(berth::pathExists(env_->root() + "/volumes/named2/_data/hello"));
    // nocopy
    env_->ok({"run", "--rm", "--mount", "source=named3,target=/data,volume-nocopy", image, "true"});
    EXPECT_FALSE(berth::pathExists(env_->root() + "/volumes/named3/_data/hello"));
    // run --rm removed the anonymous volumes it made, kept the named ones.
    auto names = volumeNames();
    EXPECT_EQ(names, (std::vector<std::string>{"named1", "named2", "named3"}));
}

TEST_F(Volumes, InUsePruneAndRemove) {
    std::string id = env_->ok({"create", "-v", "busy1:/d", "-v", "/anon", "busybox", "true"});
    env_->ok({"volume", "create", "idle1"});
    auto r = env_->run({"volume", "rm", "busy1"});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_EQ(r.err, "Error response from daemon: remove busy1: volume is in use - [" + id + "]\n");
    EXPECT_EQ(env_->ok({"volume", "ls", "-q", "--filter", "dangling=true"}), "idle1");
    // prune: only anonymous unused ones by default (Docker 23+), all unused with -a.
    EXPECT_EQ(env_->ok({"volume", "prune", "-f"}), "Total reclaimed space: 0B");
    env_->ok({"rm", id});
    std::string out = env_->ok({"volume", "prune", "-f"});
    EXPECT_EQ(out.rfind("Deleted Volumes:\n", 0), 0u) << out;
    auto names = volumeNames();
    EXPECT_EQ(names, (std::vector<std::string>{"busy1", "idle1"}));
    out = env_->ok({"volume", "prune", "-f", "-a", "--filter", "label=nothing"});
    EXPECT_EQ(volumeNames().size(), 2u);
    out = env_->ok({"volume", "prune", "-a", "-f"});
    EXPECT_EQ(out, "Deleted Volumes:\nbusy1\nidle1\n\nTotal reclaimed space: 0B");
    EXPECT_TRUE(volumeNames().empty());
    // A declined prompt removes nothing.
    env_->ok({"volume", "create", "keep1"});
    env_->run({"volume", "prune", "-a"}, "n\n");
    EXPECT_EQ(volumeNames().size(), 1u);
}

TEST_F(Volumes, VolumesFromAndTopLevelInspect) {
    std::string host = env_->path("vfhost");
    berth::mkdirAll(host);
    env_->ok({"run", "--name", "vfsrc", "-v", "vf1:/data", "-v", host + ":/h", "busybox", "sh", "-c",
              "echo shared > /data/f; echo b > /h/b"});
    EXPECT_EQ(env_->ok({"run", "--rm", "--volumes-from", "vfsrc", "busybox", "sh", "-c", "cat /data/f /h/b"}),
              "shared\nb");
    auto r = env_->run({"run", "--rm", "--volumes-from", "vfsrc:ro", "busybox", "sh", "-c", "echo x > /data/g"});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.err.find("Read-only file system"), std::string::npos) << r.err;
    std::string id = env_->ok({"create", "--volumes-from", "vfsrc", "busybox", "true"});
    auto c = env_->inspect(id);
    EXPECT_EQ(c["HostConfig"]["VolumesFrom"], nlohmann::json::array({"vfsrc"}));
    EXPECT_EQ(c["Mounts"].size(), 2u);
    r = env_->run({"volume", "rm", "vf1"});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("volume is in use - ["), std::string::npos) << r.err;
    // `berth inspect NAME` finds a volume when no container or image has that name.
    auto v = nlohmann::json::parse(env_->ok({"inspect", "vf1"}));
    EXPECT_EQ(v[0]["Name"], "vf1");
    EXPECT_EQ(env_->ok({"inspect", "--type", "volume", "-f", "{{.Driver}}", "vf1"}), "local");
    r = env_->run({"run", "--rm", "--volumes-from", "nosuch", "busybox", "true"});
    EXPECT_EQ(r.exitCode, 125);
    EXPECT_NE(r.err.find("No such container: nosuch"), std::string::npos) << r.err;
    env_->ok({"rm", id, "vfsrc"});
}

TEST_F(Volumes, TmpfsMounts) {
    std::string out = env_->ok({"run", "--rm", "--tmpfs", "/t:size=1m", "--mount", "type=tmpfs,target=/t2,tmpfs-size=2m",
                                "busybox", "sh", "-c", "mount | grep -E ' /t2? '"});
    EXPECT_NE(out.find("tmpfs on /t type tmpfs"), std::string::npos) << out;
    EXPECT_NE(out.find("size=1024k"), std::string::npos) << out;
    EXPECT_NE(out.find("tmpfs on /t2 type tmpfs"), std::string::npos) << out;
    // The local driver's tmpfs option: the volume's tmpfs, shared by the containers using it.
    env_->ok({"volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", "-o", "o=size=3m", "tv1"});
    std::string holder = env_->ok({"run", "-d", "-v", "tv1:/d", "busybox", "sleep", "1000"});
    env_->ok({"run", "--rm", "-v", "tv1:/d", "busybox", "sh", "-c", "echo in-tmpfs > /d/f"});
    out = env_->ok({"run", "--rm", "-v", "tv1:/d", "busybox", "sh", "-c", "cat /d/f; mount | grep ' /d '"});
    EXPECT_NE(out.find("in-tmpfs"), std::string::npos);
    EXPECT_NE(out.find("tmpfs on /d type tmpfs"), std::string::npos) << out;
    env_->ok({"rm", "-f", holder});
    env_->ok({"volume", "rm", "tv1"});
    for (auto& line : env_->mountsUnderRoot()) EXPECT_EQ(line.find("/volumes/"), std::string::npos) << line;
}

// Docker's local driver mounts a volume with driver options when the first container using it
// starts and unmounts it when the last one stops (a tmpfs volume then starts empty again); a
// create only mounts it for its copy-up. berth's monitors hold it instead of a reference count.
TEST_F(Volumes, DriverOptionVolumeIsMountedWhileAUserRunsLikeDocker) {
    BERTH_REQUIRE_DOCKER_PEER(docker);
    struct Engine {
        std::function<berth::test::CommandResult(std::vector<std::string>)> run;
    };
    auto steps = [](const Engine& e, const std::string& vol) {
        auto ok = [&](std::vector<std::string> args) {
            auto r = e.run(args);
            EXPECT_EQ(r.exitCode, 0) << args[0] << " " << r.err;
            return r.out.substr(0, r.out.find('\n'));
        };
        std::vector<std::string> seen;
        std::string mp = ok({"volume", "inspect", "-f", "{{.Mountpoint}}", vol});
        auto mounted = [&](const std::string& when) {
            std::string info = berth::readFile("/proc/self/mountinfo");
            seen.push_back(when + (info.find(" " + mp + " ") != std::string::npos ? ": mounted" : ": not"));
        };
        mounted("volume create");
        ok({"create", "--name", vol + "-1", "-v", vol + ":/d", "busybox", "sh", "-c",
            "echo hi > /d/f; sleep 1000"});
        mounted("container create");
        ok({"start", vol + "-1"});
        mounted("first user runs");
        ok({"run", "-d", "--name", vol + "-2", "-v", vol + ":/d", "busybox", "sleep", "1000"});
        for (int i = 0; i < 50 && e.run({"exec", vol + "-2", "cat", "/d/f"}).out != "hi\n"; ++i)
            usleep(100'000);
        seen.push_back("shared: " + e.run({"exec", vol + "-2", "cat", "/d/f"}).out);
        ok({"stop", "-t", "0", vol + "-1"});
        mounted("one of two stopped");
        ok({"stop", "-t", "0", vol + "-2"});
        mounted("both stopped");
        ok({"start", vol + "-2"});
        mounted("started again");
        seen.push_back("content: " + e.run({"exec", vol + "-2", "ls", "/d"}).out);
        ok({"rm", "-f", vol + "-1", vol + "-2"});
        mounted("removed");
        ok({"volume", "rm", vol});
        return seen;
    };
    Engine mine{[&](std::vector<std::string> a) { return env_->run(a); }};
    Engine theirs{[&](std::vector<std::string> a) { return docker->run(a); }};
    std::string vol = "optvol";
    for (const Engine* e : {&mine, &theirs}) {
        e->run({"rm", "-f", vol + "-1", vol + "-2"});
        e->run({"volume", "rm", "-f", vol});
        auto r = e->run({"volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", "-o", "o=size=4m", vol});
        ASSERT_EQ(r.exitCode, 0) << r.err;
    }
    auto berthSteps = steps(mine, vol);
    auto dockerSteps = steps(theirs, vol);
    EXPECT_EQ(berthSteps, dockerSteps);
    EXPECT_EQ(berthSteps, (std::vector<std::string>{
                              "volume create: not", "container create: not", "first user runs: mounted",
                              "shared: hi\n", "one of two stopped: mounted", "both stopped: not",
                              "started again: mounted", "content: ", "removed: not"}));
    for (auto& line : env_->mountsUnderRoot()) EXPECT_EQ(line.find("/volumes/"), std::string::npos) << line;
}

TEST_F(Volumes, BadInputCreatesNothing) {
    struct Case {
        std::vector<std::string> args;
        std::string err;
    };
    std::vector<Case> cases = {
        {{"run", "-v", "/anon", "--mount", "type=bind,source=/nonexistent-berth,target=/x", "busybox", "true"},
         "berth: Error response from daemon: invalid mount config for type \"bind\": bind source path does not exist: "
         "/nonexistent-berth.\nSee 'berth run --help'.\n"},
        {{"run", "-v", "a/b:/x", "busybox", "true"}, "includes invalid characters for a local volume name"},
        {{"run", "-v", "x:/d", "busybox", "true"}, "volume name is too short"},
        {{"run", "-v", "/tmp:/x:bogus", "busybox", "true"}, "invalid mode: bogus"},
        {{"run", "-v", "/d", "-v", "vv:/d", "busybox", "true"}, "Duplicate mount point: /d"},
        {{"run", "--mount", "type=volume,target=/x,bind-propagation=shared", "busybox", "true"},
         "cannot mix 'bind-*' options with mount type 'volume'"},
        {{"run", "--mount", "source=v9,target=/x,volume-opt=foo=bar", "busybox", "true"}, "invalid option: \"foo\""},
        // Fails after the volumes were made (the user lookup): they go with the half-made container.
        {{"run", "-v", "/anon", "-v", "made9:/m", "-u", "nosuchuser", "busybox", "true"}, "nosuchuser"},
    };
    for (auto& c : cases) {
        auto r = env_->run(c.args);
        std::string shown;
        for (auto& a : c.args) shown += " " + a;
        EXPECT_NE(r.exitCode, 0) << shown;
        if (c.err.back() == '\n') EXPECT_EQ(r.err, c.err) << shown;
        else EXPECT_NE(r.err.find(c.err), std::string::npos) << shown << ": " << r.err;
        EXPECT_EQ(containerCount(), 0u) << shown;
        EXPECT_TRUE(volumeNames().empty()) << shown;
    }
    EXPECT_TRUE(env_->mountsUnderRoot().empty());
}

// `volume` verbs against the Docker peer: output that does not depend on time or random names.
TEST_F(Volumes, VolumeVerbsLikeDocker) {
    BERTH_REQUIRE_DOCKER_PEER(docker);
    const std::string n = "berthvt" + std::to_string(::getpid());
    std::vector<std::vector<std::string>> cases = {
        {"volume", "create", n},
        {"volume", "create", n},  // idempotent
        {"volume", "create", "--label", "a=b", "-o", "type=tmpfs", "-o", "device=tmpfs", "-o", "o=size=1m", n + "t"},
        {"volume", "ls", "--filter", "name=" + n},
        {"volume", "ls", "-q", "--filter", "label=a=b", "--filter", "name=" + n},
        {"volume", "ls", "--format", "{{.Name}} {{.Driver}} {{.Scope}} {{.Labels}}", "--filter", "name=" + n},
        {"volume", "inspect", "--format", "{{.Name}} {{.Driver}} {{.Scope}} {{.Labels}} {{.Options}}", n + "t"},
        {"volume", "create", "a"},
        {"volume", "create", "a/b"},
        {"volume", "create", "-o", "foo=bar", n + "x"},
        {"volume", "create", "-o", "type=tmpfs", n + "y"},
        {"volume", "create", "-d", "nosuch", n + "z"},
        {"volume", "rm", "-f", "nosuch" + n},
        {"volume", "rm", n, n + "t"},
        {"volume", "ls", "--filter", "bogus=1"},
    };
    for (auto& args : cases) {
        auto theirs = docker->run(args);
        auto mine = env_->run(args);
        std::string shown;
        for (auto& a : args) shown += " " + a;
        EXPECT_EQ(mine.exitCode, theirs.exitCode) << shown << "\n" << mine.err << "\n" << theirs.err;
        EXPECT_EQ(mine.out, theirs.out) << shown;
        EXPECT_EQ(mine.err, asBerthText(theirs.err)) << shown;
    }
    // The peer's client (docker.io 20.10) words these differently from Docker 28's client, whose
    // texts berth prints: the status must agree, the text is Docker 28's.
    std::vector<std::pair<std::vector<std::string>, std::string>> newerTexts = {
        {{"volume", "create", "--name", n, n + "other"},
         "conflicting options: cannot specify a volume-name through both --name and as a positional arg\n"},
        {{"volume", "inspect", "nosuch" + n}, "Error response from daemon: get nosuch" + n + ": no such volume\n"},
        {{"volume", "rm", "nosuch" + n}, "Error response from daemon: get nosuch" + n + ": no such volume\n"},
    };
    for (auto& [args, text] : newerTexts) {
        auto theirs = docker->run(args);
        auto mine = env_->run(args);
        EXPECT_EQ(mine.exitCode, theirs.exitCode) << args[1];
        EXPECT_EQ(mine.out, theirs.out) << args[1];
        EXPECT_EQ(mine.err, text);
    }
}

}  // namespace
