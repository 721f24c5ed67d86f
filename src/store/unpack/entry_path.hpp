// Validation of archive entry names before anything touches the disk. Pure functions, so the
// rules are unit-tested as any user.
#pragma once

#include <string>
#include <vector>

namespace berth::store {

// Splits an entry name into its components, dropping "" and "." ("./a//b/" → {a, b}; "./" → {}).
// Throws berth::Error (EXDEV) for an absolute path or any ".." component: an entry can only
// name something beneath the layer root (CVE-2018-15664-style "../" escapes, absolute paths).
std::vector<std::string> entryComponents(const std::string& name);

// Joins components back into a relative path ("a/b"), "." for the root.
std::string joinComponents(const std::vector<std::string>& comps, size_t count);

// OCI whiteout naming (image-spec layer.md): ".wh..wh..opq" marks its directory opaque;
// ".wh.<name>" deletes <name>; other ".wh..wh." names are AUFS metadata and are skipped.
enum class WhiteoutKind { None, Opaque, Delete, AufsMeta };
WhiteoutKind whiteoutKind(const std::string& baseName);
// The deleted name of a ".wh.<name>" entry; throws if it is empty, "." or "..".
std::string whiteoutTarget(const std::string& baseName);

}  // namespace berth::store
