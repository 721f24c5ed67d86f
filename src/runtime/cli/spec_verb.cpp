// `spec [--rootless] [--bundle DIR]`: writes a default config.json (as `runc spec`), never
// over an existing one.
#include <fcntl.h>
#include <unistd.h>

#include "common/error.hpp"
#include "runtime/cli/verbs.hpp"

namespace berth::runtime::cli {

int cmdSpec(Context&, const Args& argv) {
    ParsedArgs args = parseFlags(argv, {{{"rootless"}, false}, {{"bundle", "b"}, true}}, "spec");
    if (!args.positional.empty()) throw Error("spec: takes no arguments");
    bool rootless = args.has("rootless");
    nlohmann::json spec = oci::defaultSpecJson(rootless);
    if (rootless) {
        spec["linux"]["uidMappings"][0]["hostID"] = ::getuid();
        spec["linux"]["gidMappings"][0]["hostID"] = ::getgid();
    }
    std::string path = args.get("bundle", ".") + "/config.json";
    std::string text = spec.dump(1, '\t') + "\n";
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (!fd) {
        if (errno == EEXIST) throw Error("File " + path + " exists. Remove it first", EEXIST);
        throw SysError("create " + path);
    }
    if (::write(fd.get(), text.data(), text.size()) != ssize_t(text.size()))
        throw SysError("write " + path);
    return 0;
}

}  // namespace berth::runtime::cli
