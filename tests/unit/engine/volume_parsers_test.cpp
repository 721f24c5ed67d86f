// -v / --mount / --tmpfs syntax, volume names and the local driver's options, with Docker's
// texts (taken from docker 28 client + dockerd 20.10 / moby master).
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "engine/spec/option_parsers.hpp"
#include "engine/spec/spec_builder.hpp"
#include "engine/volumes/container_volumes.hpp"
#include "engine/volumes/volume_store.hpp"
#include "support/failures.hpp"
#include "support/test_support.hpp"

using namespace berth::engine;
using berth::test::errorOf;
using nlohmann::json;

namespace {

}  // namespace

TEST(VolumeFlag, NamedAnonymousAndBind) {
    auto named = parseVolumeFlag("data:/var/lib/data");
    EXPECT_EQ(named.type, MountSpec::Type::Volume);
    EXPECT_EQ(named.source, "data");
    EXPECT_EQ(named.target, "/var/lib/data");
    EXPECT_FALSE(named.readOnly);

    auto anon = parseVolumeFlag("/data");
    EXPECT_EQ(anon.type, MountSpec::Type::Volume);
    EXPECT_TRUE(anon.source.empty());

    auto bind = parseVolumeFlag("/host:/c:ro,rslave");
    EXPECT_EQ(bind.type, MountSpec::Type::Bind);
    EXPECT_TRUE(bind.readOnly);
    EXPECT_EQ(bind.propagation, "rslave");
    EXPECT_EQ(bind.mode, "ro,rslave");
    EXPECT_TRUE(bind.createSource);

    auto nocopy = parseVolumeFlag("v1:/x:nocopy");
    EXPECT_TRUE(nocopy.noCopy);
}

TEST(VolumeFlag, BadInputWithDockerTexts) {
    EXPECT_EQ(errorOf([] { parseVolumeFlag("/tmp:/x:bogus"); }), "invalid mode: bogus");
    EXPECT_EQ(errorOf([] { parseVolumeFlag("bad:name:/x"); }), "invalid mode: /x");
    EXPECT_EQ(errorOf([] { parseVolumeFlag("a:b:c:d"); }), "invalid volume specification: 'a:b:c:d'");
    EXPECT_EQ(errorOf([] { parseVolumeFlag("v:rel"); }),
              "invalid volume specification: 'v:rel': invalid mount config for type \"volume\": "
              "invalid mount path: 'rel' mount path must be absolute");
    // propagation is for binds only
    EXPECT_THROW(parseVolumeFlag("v1:/x:rshared"), berth::Error);
}

TEST(MountFlag, AllTypes) {
    auto v = parseMountFlag("type=volume,source=v3,target=/m,volume-nocopy,volume-label=a=b,volume-opt=type=tmpfs");
    EXPECT_EQ(v.type, MountSpec::Type::Volume);
    EXPECT_TRUE(v.noCopy);
    EXPECT_EQ(v.volumeLabels.at("a"), "b");
    EXPECT_EQ(v.volumeOptions.at("type"), "tmpfs");
    EXPECT_EQ(v.origin, MountSpec::Origin::MountFlag);

    auto b = parseMountFlag("type=bind,source=/tmp,target=/b,readonly=true,bind-propagation=rshared");
    EXPECT_EQ(b.type, MountSpec::Type::Bind);
    EXPECT_TRUE(b.readOnly);
    EXPECT_EQ(b.propagation, "rshared");
    EXPECT_FALSE(b.createSource);

    auto t = parseMountFlag("type=tmpfs,target=/t,tmpfs-size=1m,tmpfs-mode=1770");
    EXPECT_EQ(t.type, MountSpec::Type::Tmpfs);
    EXPECT_EQ(t.tmpfsSize, 1048576);
    EXPECT_EQ(t.tmpfsMode, 01770u);
    EXPECT_EQ(t.tmpfsOptions, (std::vector<std::string>{"size=1048576", "mode=1770"}));

    auto anon = parseMountFlag("target=/data");  // type defaults to volume
    EXPECT_EQ(anon.type, MountSpec::Type::Volume);
    EXPECT_TRUE(anon.source.empty());
}

TEST(MountFlag, BadInputWithDockerTexts) {
    EXPECT_EQ(errorOf([] { parseMountFlag("type=volume,target=/x,bind-propagation=shared"); }),
              "invalid argument \"type=volume,target=/x,bind-propagation=shared\" for \"--mount\" flag: "
              "cannot mix 'bind-*' options with mount type 'volume'");
    EXPECT_EQ(errorOf([] { parseMountFlag("type=bind,source=/a"); }), "invalid mount config: target is required");
    EXPECT_EQ(errorOf([] { parseMountFlag("type=bind,target=/a"); }),
              "invalid mount config for type \"bind\": field Source must not be empty");
    EXPECT_THROW(parseMountFlag("type=foo,target=/a"), berth::Error);
    EXPECT_THROW(parseMountFlag("type=tmpfs,target=/a,tmpfs-size=lots"), berth::Error);
    EXPECT_THROW(parseMountFlag("type=bind,source=/a,target=/b,volume-nocopy"), berth::Error);
    EXPECT_THROW(parseMountFlag("type=volume,target=/b,bogus=1"), berth::Error);
}

TEST(TmpfsFlag, Options) {
    auto t = parseTmpfsFlag("/run:rw,size=64m");
    EXPECT_EQ(t.target, "/run");
    EXPECT_EQ(t.tmpfsOptions, (std::vector<std::string>{"rw", "size=64m"}));
    EXPECT_EQ(t.origin, MountSpec::Origin::TmpfsFlag);
    EXPECT_THROW(parseTmpfsFlag("run"), berth::Error);
}

TEST(VolumeNames, DockerRules) {
    EXPECT_NO_THROW(validateVolumeName("ab"));
    EXPECT_NO_THROW(validateVolumeName("my_vol.1-x"));
    EXPECT_EQ(errorOf([] { validateVolumeName("a"); }),
              "create a: volume name is too short, names should be at least two alphanumeric characters");
    EXPECT_EQ(errorOf([] { validateVolumeName("a/b"); }),
              "create a/b: \"a/b\" includes invalid characters for a local volume name, only "
              "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use "
              "absolute path");
    EXPECT_THROW(validateVolumeName("_ab"), berth::Error);
    EXPECT_THROW(validateVolumeName(".."), berth::Error);
}

TEST(LocalOptions, DockerRules) {
    EXPECT_NO_THROW(validateLocalOptions({}));
    EXPECT_NO_THROW(validateLocalOptions({{"type", "tmpfs"}, {"device", "tmpfs"}, {"o", "size=1m"}}));
    EXPECT_EQ(errorOf([] { validateLocalOptions({{"foo", "bar"}}); }), "invalid option: \"foo\"");
    EXPECT_EQ(errorOf([] { validateLocalOptions({{"type", "tmpfs"}}); }), "missing required option: \"device\"");
}

TEST(VolumeStore, CreateListRemove) {
    berth::test::TempDir dir;
    VolumeStore store(dir.path());
    auto v = store.create({"data", "local", {{"k", "v"}}, {}});
    EXPECT_EQ(v.mountpoint, dir.path() + "/volumes/data/_data");
    EXPECT_FALSE(v.anonymous());
    auto again = store.create({"data", "local", {}, {}});  // idempotent
    EXPECT_EQ(again.labels.at("k"), "v");
    auto anon = store.create({});
    EXPECT_EQ(anon.name.size(), 64u);
    EXPECT_TRUE(anon.anonymous());
    EXPECT_EQ(store.list().size(), 2u);
    // An unfinished create (dir without opts.json) is not a volume.
    berth::mkdirAll(dir.path() + "/volumes/half/_data");
    EXPECT_FALSE(store.find("half"));
    EXPECT_EQ(store.list().size(), 2u);
    store.remove("data");
    EXPECT_FALSE(store.find("data"));
    EXPECT_FALSE(berth::pathExists(dir.path() + "/volumes/data"));
    EXPECT_EQ(errorOf([&] { store.get("data"); }).rfind("get data: no such volume", 0), 0u);
    EXPECT_THROW(store.create({"x", "local", {}, {}}), berth::Error);
    EXPECT_THROW(store.create({"xy", "nfs", {}, {}}), berth::Error);
}

TEST(ContainerVolumes, InspectShapes) {
    std::vector<MountSpec> m = {parseVolumeFlag("v1:/data"), parseVolumeFlag("/tmp:/h:ro,rslave"),
                                parseMountFlag("type=tmpfs,target=/t2,tmpfs-size=1000000"),
                                parseTmpfsFlag("/t:size=1m"), parseVolumeFlag("/anon")};
    m[0].volumePath = "/r/volumes/v1/_data";
    m[4].source = std::string(64, 'a');
    m[4].anonymous = true;
    m[4].volumePath = "/r/volumes/aaa/_data";
    json mounts = mountsInspectJson(m);
    ASSERT_EQ(mounts.size(), 4u);  // --tmpfs is not in Mounts
    EXPECT_EQ(mounts[0]["Mode"], "z");
    EXPECT_EQ(mounts[0]["Name"], "v1");
    EXPECT_EQ(mounts[1]["Mode"], "ro,rslave");
    EXPECT_EQ(mounts[1]["Propagation"], "rslave");
    EXPECT_EQ(mounts[1]["RW"], false);
    EXPECT_EQ(mounts[3]["Mode"], "");
    EXPECT_EQ(hostConfigBinds(m), json({"v1:/data", "/tmp:/h:ro,rslave"}));
    EXPECT_EQ(hostConfigMounts(m),
              json::parse(R"([{"Type":"tmpfs","Target":"/t2","TmpfsOptions":{"SizeBytes":1000000}}])"));
    EXPECT_EQ(hostConfigTmpfs(m), json({{"/t", "size=1m"}}));
    EXPECT_EQ(configVolumes(m, json::object()), json({{"/anon", json::object()}}));
}
