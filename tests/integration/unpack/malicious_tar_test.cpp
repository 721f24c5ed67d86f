// The malicious tar corpus (issue 4, Safety): every crafted archive is rejected with an error
// naming the layer and the entry, nothing outside the layer dir changes (a sentinel tree next
// to the store is compared before/after), and nothing half-written is left (no temp dir, no
// target dir). Each case also runs in WhiteoutMode::Apply (the copy driver) onto a rootfs dir.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include <cstdio>
#include <cstring>

#include "common/error.hpp"
#include "common/fd.hpp"
#include "common/file_io.hpp"
#include "store/unpack/layer_unpacker.hpp"
#include "support/test_support.hpp"
#include "unit/store/tar_builder.hpp"

using namespace berth;
using namespace berth::store;
using namespace berth::test;

namespace {

// A hand-made ustar header (POSIX.1-1988 "ustar" layout) for what libarchive's writer won't
// produce: lying sizes, raw names.
std::string ustarHeader(const std::string& name, char type, uint64_t size,
                        const std::string& link = "") {
    char h[512] = {};
    std::snprintf(h, 100, "%s", name.c_str());
    std::snprintf(h + 100, 8, "%07o", 0644);
    std::snprintf(h + 108, 8, "%07o", 0);
    std::snprintf(h + 116, 8, "%07o", 0);
    std::snprintf(h + 124, 12, "%011llo", static_cast<unsigned long long>(size));
    std::snprintf(h + 136, 12, "%011o", 1600000000);
    h[156] = type;
    std::snprintf(h + 157, 100, "%s", link.c_str());
    std::memcpy(h + 257,
                "ustar\0"
                "00",
                8);
    std::memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : h) sum += c;
    std::snprintf(h + 148, 8, "%06o", sum);
    h[155] = ' ';
    return std::string(h, 512);
}

struct Case {
    std::string name;
    std::string tar;
    std::string expect;  // a fragment the error must contain (besides the entry name)
    std::string entry;   // the entry the error must name
};

class MaliciousTar : public ::testing::Test {
  protected:
    void SetUp() override {
        BERTH_REQUIRE_ROOT();
        sentinel_ = tmp_ / "sentinel";
        mkdirAll(sentinel_ + "/sub");
        writeFile(sentinel_ + "/passwd", "root:x:0:0\n");
        writeFile(sentinel_ + "/sub/file", "keep\n");
        mkdirAll(tmp_ / "store");
        mkdirAll(tmp_ / "roots");
        before_ = snapshot();
    }

    // Everything under the temp dir except the store and the apply-mode roots: path, type,
    // mode, owner, size, mtime, link target, and the overlay opaque xattr of each dir.
    std::string snapshot() {
        auto r = test::runCommand({"find", tmp_.path(), "-path", tmp_ / "store", "-prune", "-o",
                                   "-path", tmp_ / "roots", "-prune", "-o", "-printf",
                                   "%P %y %m %U:%G %s %T@ %l\n"});
        std::string out = r.out;
        char v[8];
        for (std::string d : {sentinel_, sentinel_ + "/sub", tmp_.path()})
            out += d + " opaque=" +
                   std::to_string(::lgetxattr(d.c_str(), "trusted.overlay.opaque", v, sizeof v)) +
                   "\n";
        return out;
    }

    void expectRejected(const Case& c) {
        SCOPED_TRACE(c.name);
        std::string layer = tmp_ / ("store/" + c.name);
        UnpackOptions o;
        o.layerName = "sha256:evil-" + c.name;
        StringReader r{c.tar};
        try {
            unpackLayer(ReadFn(std::ref(r)), layer, o);
            ADD_FAILURE() << "accepted";
        } catch (const Error& e) {
            std::string msg = e.what();
            EXPECT_NE(msg.find("layer " + o.layerName + ": "), std::string::npos) << msg;
            if (!c.entry.empty()) {
                EXPECT_NE(msg.find("entry \"" + c.entry + "\""), std::string::npos) << msg;
            }
            EXPECT_NE(msg.find(c.expect), std::string::npos) << msg;
        }
        EXPECT_FALSE(lexists(layer));
        auto left = test::runCommand({"find", tmp_ / "store", "-mindepth", "1"});
        EXPECT_EQ(left.out, "");
        EXPECT_EQ(snapshot(), before_);

        // The copy driver's in-place apply: no atomicity, but still no escape.
        std::string root = tmp_ / ("roots/" + c.name);
        mkdirAll(root);
        UniqueFd fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        o.whiteouts = WhiteoutMode::Apply;
        StringReader r2{c.tar};
        EXPECT_THROW(applyLayer(ReadFn(std::ref(r2)), fd.get(), o), Error);
        EXPECT_EQ(snapshot(), before_);
    }

    TempDir tmp_{"berth-evil"};
    std::string sentinel_;
    std::string before_;
};

}  // namespace

TEST_F(MaliciousTar, CorpusIsRejectedWithoutEscapes) {
    const std::string abs = sentinel_;
    // From the temp dir store/<name>.unpack-XXXXXX, "../../sentinel" is the sentinel.
    const std::string up = "../../sentinel";
    std::string longEscape;
    for (int i = 0; i < 40; ++i) longEscape += "deep/";
    for (int i = 0; i < 42; ++i) longEscape += "../";
    longEscape += "sentinel/evil";
    std::string bigFile = std::string(1000, 'x');
    std::string truncated = TarBuilder().file("ok", "fine").file("big", bigFile).bytes();
    truncated.resize(1024 + 512 + 300);  // header(s) of "big" present, its data cut short

    std::vector<Case> cases = {
        {"dotdot", TarBuilder().file(up + "/evil", "pwned").bytes(), "path escapes the layer",
         up + "/evil"},
        {"dotdot-inside", TarBuilder().dir("a").file("a/../../x", "pwned").bytes(),
         "path escapes the layer", "a/../../x"},
        {"long-pax-name", TarBuilder().file(longEscape, "pwned").bytes(), "path escapes the layer",
         longEscape},
        {"absolute", TarBuilder().file(abs + "/evil", "pwned").bytes(),
         "absolute path escapes the layer", abs + "/evil"},
        {"symlink-then-write-through",
         TarBuilder().symlink("a", abs).file("a/passwd", "pwned").bytes(),
         "path goes through the symlink \"a\"", "a/passwd"},
        {"relative-symlink-then-write",
         TarBuilder().symlink("a", up).file("a/passwd", "pwned").bytes(),
         "path goes through the symlink \"a\"", "a/passwd"},
        {"symlink-then-mkdir-beneath", TarBuilder().symlink("a", abs).dir("a/newdir").bytes(),
         "symlink \"a\"", "a/newdir/"},
        {"symlink-out-then-hardlink",
         TarBuilder().symlink("s", abs + "/passwd").hardlink("h", "s").bytes(), "is a symlink",
         "h"},
        {"hardlink-dotdot", TarBuilder().hardlink("h", up + "/passwd").bytes(),
         "path escapes the layer", "h"},
        {"hardlink-absolute", TarBuilder().hardlink("h", abs + "/passwd").bytes(),
         "absolute path escapes the layer", "h"},
        {"hardlink-through-symlink",
         TarBuilder().symlink("d", abs).hardlink("h", "d/passwd").bytes(),
         "path goes through the symlink \"d\"", "h"},
        {"whiteout-dotdot", TarBuilder().dir("a").file("a/.wh...", "").bytes(),
         "path escapes the layer", "a/.wh..."},
        {"whiteout-dot", TarBuilder().file(".wh..", "").bytes(), "path escapes the layer", ".wh.."},
        {"whiteout-through-symlink",
         TarBuilder().symlink("s", abs).file("s/.wh.passwd", "").bytes(), "symlink \"s\"",
         "s/.wh.passwd"},
        {"opaque-in-escaping-dir", TarBuilder().file(up + "/.wh..wh..opq", "").bytes(),
         "path escapes the layer", up + "/.wh..wh..opq"},
        {"opaque-through-symlink",
         TarBuilder().symlink("s", abs).file("s/.wh..wh..opq", "").bytes(), "symlink \"s\"",
         "s/.wh..wh..opq"},
        {"device-outside", TarBuilder().chardev(up + "/null", 1, 3).bytes(),
         "path escapes the layer", up + "/null"},
        {"device-through-symlink",
         TarBuilder().symlink("dev", abs).chardev("dev/mem", 1, 1).bytes(), "symlink \"dev\"",
         "dev/mem"},
        {"truncated-archive", truncated, "runcated", ""},
        {"huge-size-claim", ustarHeader("huge", '0', 077777777777ull) + std::string(4096, 'A'),
         "runcated", ""},
        {"dir-replaced-by-symlink-then-write",
         TarBuilder().dir("a").file("a/x", "1").symlink("a", abs).file("a/passwd", "pwned").bytes(),
         "path goes through the symlink \"a\"", "a/passwd"},
        {"raw-ustar-dotdot", ustarHeader("../../sentinel/raw", '0', 0) + std::string(1024, '\0'),
         "path escapes the layer", "../../sentinel/raw"},
        {"raw-hardlink-dotdot",
         ustarHeader("h", '1', 0, "../../sentinel/passwd") + std::string(1024, '\0'),
         "path escapes the layer", "h"},
    };
    for (const auto& c : cases) expectRejected(c);
    // The sentinel really is reachable by these paths (the corpus aims at the right place).
    EXPECT_TRUE(lexists(tmp_ / "store/../sentinel/passwd"));
    EXPECT_EQ(readFile(sentinel_ + "/passwd"), "root:x:0:0\n");
}

TEST_F(MaliciousTar, SymlinksPointingOutsideAreStoredNotFollowed) {
    // Storing a symlink to /etc is legal (it resolves inside the container's root at run time);
    // what matters is that the unpack itself never follows it.
    std::string tar =
        TarBuilder().symlink("etc", sentinel_).symlink("p", sentinel_ + "/passwd").bytes();
    UnpackOptions o;
    o.layerName = "sha256:links";
    StringReader r{tar};
    unpackLayer(ReadFn(std::ref(r)), tmp_ / "store/l", o);
    struct stat st {};
    ASSERT_EQ(::lstat((tmp_ / "store/l/etc").c_str(), &st), 0);
    EXPECT_TRUE(S_ISLNK(st.st_mode));
    EXPECT_EQ(snapshot(), before_);
}
