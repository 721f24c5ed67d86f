#include "engine/fs/container_copy.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include "common/error.hpp"
#include "common/safe_path.hpp"
#include "engine/fs/rootfs_access.hpp"
#include "engine/fs/tree_stream.hpp"

namespace berth::engine::fs {

namespace {

// Counts the bytes of file data passing to the real sink (docker cp's "Successfully copied").
class CountingSink : public EntrySink {
  public:
    explicit CountingSink(EntrySink& inner) : inner_(inner) {}
    void put(const store::TarEntry& e, int64_t size, const store::DataFn& data) override {
        if (!e.hardlink && e.type == S_IFREG && size > 0) bytes += uint64_t(size);
        inner_.put(e, size, data);
    }
    void finish() override { inner_.finish(); }
    uint64_t bytes = 0;

  private:
    EntrySink& inner_;
};

struct PathParts {
    std::string abs;       // "/a/b" (cleaned, "/" for the root)
    std::string dir;       // "/a"
    std::string base;      // "b" ("" for the root)
    bool contentsOnly = false;  // ended with "/."
    bool trailingSlash = false;  // ended with "/" (or "/."): the path must be a directory
};

PathParts splitPath(const std::string& given) {
    PathParts p;
    std::string g = given.empty() || given[0] != '/' ? "/" + given : given;
    p.contentsOnly = g.size() >= 2 && g.compare(g.size() - 2, 2, "/.") == 0;
    p.trailingSlash = p.contentsOnly || g.back() == '/';
    p.abs = cleanPath(g);
    auto cut = p.abs.rfind('/');
    p.dir = cut == 0 ? "/" : p.abs.substr(0, cut);
    p.base = p.abs.substr(cut + 1);
    return p;
}

// A host path: its own rules (cwd-relative), no "/" prefix games.
PathParts splitHostPath(const std::string& given) {
    PathParts p;
    p.contentsOnly = given.size() >= 2 && given.compare(given.size() - 2, 2, "/.") == 0;
    p.trailingSlash = p.contentsOnly || (!given.empty() && given.back() == '/');
    std::string g = given;
    while (g.size() > 1 && g.back() == '/') g.pop_back();
    if (p.contentsOnly) g = g.size() > 2 ? g.substr(0, g.size() - 2) : "/";
    while (g.size() > 1 && g.back() == '/') g.pop_back();
    p.abs = g;
    auto cut = g.rfind('/');
    p.dir = cut == std::string::npos ? "." : cut == 0 ? "/" : g.substr(0, cut);
    p.base = cut == std::string::npos ? g : g.substr(cut + 1);
    if (g == "/" ) p.base = "";
    return p;
}

struct Source {
    UniqueFd node;  // O_PATH of what is copied (not followed when a symlink is copied as such)
    bool isDir = false;
};

[[noreturn]] void notFoundInContainer(const std::string& path, const ContainerRecord& rec,
                                      const std::string& given) {
    (void)rec;
    throw DaemonError("Could not find the file " + path + " in container " + given);
}

// Where the entries go on the destination side, Docker's PrepareArchiveCopy.
struct Target {
    UniqueFd dir;        // the directory the entries are written into
    std::string asName;  // name of the copied node there ("" with contentsOnly)
};

Target chooseTarget(bool destExists, bool destIsDir, UniqueFd destDirFd, UniqueFd destParentFd,
                    const PathParts& dst, const PathParts& srcParts, bool srcIsDir,
                    const std::string& srcName) {
    Target t;
    if (destExists && destIsDir) {
        t.dir = std::move(destDirFd);
        t.asName = srcParts.contentsOnly ? "" : srcName;
        return t;
    }
    if (destExists && srcIsDir) throw Error("cannot copy directory");
    if (!destExists && !srcIsDir && dst.trailingSlash) throw Error("no such directory");
    // A new (or overwritten) node named as the destination; a directory's contents go into it.
    t.dir = std::move(destParentFd);
    t.asName = dst.base;
    return t;
}

ContainerRecord findContainer(Engine& engine, const std::string& container) {
    try {
        return engine.containers().get(container);
    } catch (const NoSuchContainer&) {
        throw DaemonError("No such container: " + container);
    }
}

}  // namespace

uint64_t copyFromContainer(Engine& engine, const std::string& container, const std::string& src,
                           const std::string& dest, int outFd, const CopyOptions& opts) {
    ContainerRecord rec = findContainer(engine, container);
    RootfsAccess fsAccess(engine, rec, RootfsAccess::View::Container);
    int root = fsAccess.rootFd();
    PathParts sp = splitPath(src);

    // The node: its last component followed with a trailing "/" or "/." or -L, always inside
    // the container's root (RESOLVE_IN_ROOT: "/" and ".." of a symlink stop at that root).
    Source s;
    bool follow = sp.trailingSlash || opts.followLink || sp.base.empty();
    s.node = tryOpenInRoot(root, sp.abs, O_PATH | (follow ? 0 : O_NOFOLLOW));
    if (!s.node) {
        if (errno == ENOENT || errno == ENOTDIR) notFoundInContainer(sp.abs, rec, container);
        throw SysError("open " + sp.abs + " in container " + container);
    }
    struct stat st {};
    if (::fstatat(s.node.get(), "", &st, AT_EMPTY_PATH) < 0) throw SysError("stat " + sp.abs);
    s.isDir = S_ISDIR(st.st_mode);
    if (sp.trailingSlash && !s.isDir) throw DaemonError("not a directory");
    std::string srcName = sp.base.empty() ? "." : sp.base;

    if (dest == "-") {
        TarSink tar(outFd);
        CountingSink count(tar);
        // Docker names the entries after the path as given: "etc/", "etc/hosts"; for "/etc/."
        // "./", "./hosts".
        walkTree(s.node.get(), "", sp.contentsOnly ? "." : srcName, count);
        count.finish();
        return count.bytes;
    }

    // The host side: the destination as Docker's CopyInfoDestinationPath sees it.
    PathParts dp = splitHostPath(dest);
    struct stat dst {};
    bool exists = ::stat(dp.abs.c_str(), &dst) == 0;  // host symlinks followed, as Docker
    if (!exists && errno != ENOENT) throw SysError("stat " + dp.abs);
    UniqueFd destDir, parentDir;
    if (exists && S_ISDIR(dst.st_mode)) {
        destDir.reset(::open(dp.abs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!destDir) throw SysError("open " + dp.abs);
    } else {
        parentDir.reset(::open(dp.dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!parentDir) throw Error("invalid output path: directory \"" + dp.dir + "\" does not exist");
    }
    Target t = chooseTarget(exists, exists && S_ISDIR(dst.st_mode), std::move(destDir),
                            std::move(parentDir), dp, sp, s.isDir, srcName);
    DirSinkOptions so;
    so.preserveOwners = false;  // Docker's client untars with NoLchown
    DirSink out(t.dir.get(), so);
    CountingSink count(out);
    walkTree(s.node.get(), "", t.asName, count);
    count.finish();
    return count.bytes;
}

uint64_t copyToContainer(Engine& engine, const std::string& src, int inFd,
                         const std::string& container, const std::string& dest,
                         const CopyOptions& opts) {
    ContainerRecord rec = findContainer(engine, container);
    if (rec.hostConfig.value("ReadonlyRootfs", false))
        throw DaemonError("container rootfs is marked read-only");
    PathParts dp = splitPath(dest);
    // The host source first: a missing one fails before the container is touched.
    UniqueFd srcNode;
    PathParts sp;
    bool srcIsDir = false;
    if (src != "-") {
        sp = splitHostPath(src);
        bool follow = opts.followLink || sp.trailingSlash;
        srcNode.reset(::open(sp.abs.c_str(), O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW)));
        if (!srcNode && errno == ENOENT) throw Error("lstat " + sp.abs + ": no such file or directory");
        if (!srcNode) throw SysError("lstat " + sp.abs);
        struct stat st {};
        if (::fstatat(srcNode.get(), "", &st, AT_EMPTY_PATH) < 0) throw SysError("lstat " + sp.abs);
        srcIsDir = S_ISDIR(st.st_mode);
    }

    RootfsAccess fsAccess(engine, rec, RootfsAccess::View::Container);
    int root = fsAccess.rootFd();
    // The destination: followed if a symlink (Docker's client follows one level; here any depth,
    // but only ever inside the container's root).
    UniqueFd destNode = tryOpenInRoot(root, dp.abs, O_PATH);
    bool exists = bool(destNode);
    bool destIsDir = false;
    if (exists) {
        struct stat st {};
        if (::fstatat(destNode.get(), "", &st, AT_EMPTY_PATH) < 0) throw SysError("stat " + dp.abs);
        destIsDir = S_ISDIR(st.st_mode);
    } else if (errno != ENOENT) {
        if (errno == ENOTDIR) notFoundInContainer(dp.abs, rec, container);
        throw SysError("open " + dp.abs + " in container " + container);
    }
    DirSinkOptions so;
    so.preserveOwners = opts.archive;
    if (!opts.archive) so.owner = std::make_pair(uid_t(0), gid_t(0));

    if (src == "-") {
        if (!exists || !destIsDir)
            throw Error("destination \"" + container + ":" + dest + "\" must be a directory");
        UniqueFd dir = openInRoot(root, dp.abs, O_PATH | O_DIRECTORY);
        // The layer unpacker's driver and path safety; ".wh." names are plain files here.
        store::UnpackOptions uo;
        uo.layerName = "from stdin";
        uo.whiteouts = store::WhiteoutMode::None;
        uo.preserveOwners = so.preserveOwners;
        uo.owner = so.owner;
        uo.anyCompression = true;
        uo.pipeline = false;
        return store::extractArchive(store::fdReader(inFd, "the tar stream on stdin"), dir.get(), uo)
            .fileBytes;
    }

    UniqueFd destDir, parentDir;
    if (exists && destIsDir) {
        destDir = openInRoot(root, dp.abs, O_PATH | O_DIRECTORY);
    } else {
        parentDir = tryOpenInRoot(root, dp.dir, O_PATH | O_DIRECTORY);
        if (!parentDir) notFoundInContainer(dp.dir, rec, container);
    }
    Target t = chooseTarget(exists, destIsDir, std::move(destDir), std::move(parentDir), dp, sp,
                            srcIsDir, sp.base.empty() ? "." : sp.base);
    DirSink out(t.dir.get(), so);
    CountingSink count(out);
    walkTree(srcNode.get(), "", t.asName, count);
    count.finish();
    return count.bytes;
}

}  // namespace berth::engine::fs
