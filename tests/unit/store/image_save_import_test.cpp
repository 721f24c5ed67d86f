// save (docker-archive and oci-archive) read back by load, import with changes, --change parsing.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "store/image/config_changes.hpp"
#include "store/image_store.hpp"
#include "support/test_support.hpp"
#include "tar_builder.hpp"

using namespace berth;
using namespace berth::store;
using nlohmann::json;

namespace {

const std::string kMultiId = "sha256:49bd63cbece3784c18158165dacbd121570a604a67712f32003d1a0b8c8f4533";
const std::string kMultiOciId = "sha256:dacbe6f25fddc938bf37ef0e3c02dbd2beb7903d45e3cd95ed9cd83cf4e88a0f";
std::string fixture(const std::string& n) { return test::fixturePath("images/" + n); }

}  // namespace

TEST(ImageSave, DockerArchiveRoundTripKeepsIdsAndTags) {
    test::TempDir tmp;
    {
        ImageStore a = ImageStore::open(tmp / "a");
        a.load(fixture("multilayer.docker.tar"));
        a.load(fixture("busybox.docker.tar"));
        a.tag("fixture/busybox:1", "bb:2");
        a.save({"fixture/multilayer:1", "fixture/busybox:1", "bb:2"}, tmp / "out.tar");
    }
    ImageStore b = ImageStore::open(tmp / "b");
    LoadResult r = b.load(tmp / "out.tar");
    ASSERT_EQ(r.images.size(), 2u);
    EXPECT_EQ(r.images[0].id.str(), kMultiId);
    EXPECT_EQ(b.resolve("bb:2"), b.resolve("fixture/busybox:1"));
    auto out = test::runCommand({"tar", "tf", tmp / "out.tar"}).out;
    EXPECT_NE(out.find("manifest.json"), std::string::npos);
    EXPECT_NE(out.find("index.json"), std::string::npos);
    EXPECT_FALSE(pathExists(tmp / "out.tar.tmp-" + std::to_string(getpid())));
}

TEST(ImageSave, DockerArchiveDecompressesOciLayers) {
    test::TempDir tmp;
    {
        ImageStore a = ImageStore::open(tmp / "a");
        a.load(fixture("multilayer.oci-zstd.tar"));
        a.save({"fixture/multilayer:1"}, tmp / "out.tar", ArchiveFormat::Docker);
    }
    ImageStore b = ImageStore::open(tmp / "b");
    EXPECT_EQ(b.load(tmp / "out.tar").images.at(0).id.str(), kMultiOciId);
    // Layers in a docker-archive are plain tars: blob digest == diff_id.
    auto j = b.inspect("fixture/multilayer:1");
    EXPECT_EQ(j["RootFS"]["Layers"].size(), 3u);
}

TEST(ImageSave, OciArchiveKeepsManifestAndBlobs) {
    test::TempDir tmp;
    {
        ImageStore a = ImageStore::open(tmp / "a");
        a.load(fixture("multilayer.oci-zstd.tar"));
        a.save({"fixture/multilayer:1"}, tmp / "out.tar", ArchiveFormat::Oci);
    }
    auto files = test::runCommand({"tar", "tf", tmp / "out.tar"}).out;
    // skopeo's zstd manifest is written as is.
    EXPECT_NE(files.find("blobs/sha256/fad623248365e64e46001c1c22ff1edb2ea38522331e2ed33e7a39ab708c3f2d"),
              std::string::npos);
    ImageStore b = ImageStore::open(tmp / "b");
    LoadResult r = b.load(tmp / "out.tar");
    EXPECT_EQ(r.images.at(0).id.str(), kMultiOciId);
    EXPECT_EQ(r.images.at(0).refs, std::vector<std::string>{"fixture/multilayer:1"});
}

TEST(ImageSave, UnknownImageIsNamed) {
    test::TempDir tmp;
    ImageStore a = ImageStore::open(tmp / "a");
    try {
        a.save({"nope:1"}, tmp / "x.tar");
        FAIL();
    } catch (const ImageNotFound& e) {
        EXPECT_STREQ(e.what(), "No such image: nope:1");
    }
    EXPECT_FALSE(pathExists(tmp / "x.tar"));
}

TEST(ImageImport, RootfsWithChanges) {
    test::TempDir tmp;
    test::TarBuilder tb;
    tb.dir("bin").file("bin/hello", "#!/bin/sh\necho hi\n", 0755).dir("etc").file("etc/motd", "x");
    writeFile(tmp / "rootfs.tar", tb.bytes());
    ImageStore s = ImageStore::open(tmp / "root");
    ImportOptions o;
    o.ref = "imported:1";
    o.changes = {"CMD [\"/bin/hello\"]", "ENV A=1 B=\"two words\"", "WORKDIR /etc",
                 "EXPOSE 80 53/udp", "LABEL k=v", "USER 1000", "VOLUME /data",
                 "ENTRYPOINT exec me"};
    o.message = "from a test";
    Digest id = s.importRootfs(tmp / "rootfs.tar", o);
    EXPECT_EQ(s.resolve("imported:1"), id);
    json c = s.inspect("imported:1");
    EXPECT_EQ(c["Config"]["Cmd"], json::array({"/bin/hello"}));
    EXPECT_EQ(c["Config"]["Entrypoint"], json::array({"/bin/sh", "-c", "exec me"}));
    EXPECT_EQ(c["Config"]["Env"], json::array({"A=1", "B=two words"}));
    EXPECT_EQ(c["Config"]["WorkingDir"], "/etc");
    EXPECT_TRUE(c["Config"]["ExposedPorts"].contains("53/udp"));
    EXPECT_TRUE(c["Config"]["ExposedPorts"].contains("80/tcp"));
    EXPECT_EQ(c["Config"]["Labels"]["k"], "v");
    EXPECT_EQ(c["Config"]["User"], "1000");
    EXPECT_EQ(c["Comment"], "from a test");
    auto l = s.layers(id.str());
    ASSERT_EQ(l.dirs.size(), 1u);
    EXPECT_EQ(readFile(l.dirs[0] + "/etc/motd"), "x");
    auto h = s.history("imported:1");
    ASSERT_EQ(h.size(), 1u);
    EXPECT_EQ(h[0].comment, "from a test");
    EXPECT_EQ(h[0].size, 19u);  // 18 + 1 bytes of files
    // The saved image loads back with the same ID.
    s.save({"imported:1"}, tmp / "saved.tar");
    ImageStore t = ImageStore::open(tmp / "root2");
    EXPECT_EQ(t.load(tmp / "saved.tar").images.at(0).id, id);
}

TEST(ImageImport, BadChangeFailsBeforeAnything) {
    test::TempDir tmp;
    writeFile(tmp / "rootfs.tar", test::TarBuilder().file("a", "b").bytes());
    ImageStore s = ImageStore::open(tmp / "root");
    ImportOptions o;
    o.changes = {"RUN rm -rf /"};
    try {
        s.importRootfs(tmp / "rootfs.tar", o);
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("\"RUN\" is not a supported instruction"), std::string::npos);
    }
    EXPECT_TRUE(s.list().empty());
}

TEST(ConfigChanges, Forms) {
    json c;
    applyConfigChanges(c, {"ENV PATH /usr/bin:/bin", "env X=1", "ENV X=2", "STOPSIGNAL SIGINT",
                           "VOLUME [\"/a\", \"/b\"]", "ONBUILD RUN true", "CMD echo 'a b'"});
    EXPECT_EQ(c["Env"], json::array({"PATH=/usr/bin:/bin", "X=2"}));
    EXPECT_EQ(c["StopSignal"], "SIGINT");
    EXPECT_TRUE(c["Volumes"].contains("/b"));
    EXPECT_EQ(c["OnBuild"], json::array({"RUN true"}));
    EXPECT_EQ(c["Cmd"], json::array({"/bin/sh", "-c", "echo 'a b'"}));
    EXPECT_THROW(applyConfigChanges(c, {"EXPOSE abc"}), Error);
    EXPECT_THROW(applyConfigChanges(c, {"LABEL =x"}), Error);
    EXPECT_THROW(applyConfigChanges(c, {"USER"}), Error);
}
