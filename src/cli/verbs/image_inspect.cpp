// `berth image inspect`: docker's JSON array (4-space indent, Go's field order) or --format.
#include "cli/error_text.hpp"
#include "cli/format/formatter.hpp"
#include "cli/verbs.hpp"
#include "cli/verbs/container_util.hpp"
#include "cli/verbs/image_util.hpp"
#include "cli/verbs/inspect_output.hpp"

namespace berth::cli {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// Go's struct field order of types.ImageInspect and container.Config, so the output reads like
// docker's; keys we don't know keep their (sorted) place after these.
const std::vector<std::string> kImageOrder = {"Id",
                                              "RepoTags",
                                              "RepoDigests",
                                              "Parent",
                                              "Comment",
                                              "Created",
                                              "Container",
                                              "ContainerConfig",
                                              "DockerVersion",
                                              "Author",
                                              "Config",
                                              "Architecture",
                                              "Variant",
                                              "Os",
                                              "OsVersion",
                                              "Size",
                                              "VirtualSize",
                                              "GraphDriver",
                                              "RootFS",
                                              "Metadata"};
const std::vector<std::string> kConfigOrder = {
    "Hostname",     "Domainname",   "User",        "AttachStdin",     "AttachStdout",
    "AttachStderr", "ExposedPorts", "Tty",         "OpenStdin",       "StdinOnce",
    "Env",          "Cmd",          "Healthcheck", "ArgsEscaped",     "Image",
    "Volumes",      "WorkingDir",   "Entrypoint",  "NetworkDisabled", "MacAddress",
    "OnBuild",      "Labels",       "StopSignal",  "StopTimeout",     "Shell"};

ordered_json ordered(const json& v, const std::vector<std::string>& order) {
    if (!v.is_object()) return ordered_json(v);
    ordered_json out = ordered_json::object();
    for (const auto& k : order)
        if (v.contains(k)) out[k] = ordered_json(v[k]);
    for (auto it = v.begin(); it != v.end(); ++it)
        if (!out.contains(it.key())) out[it.key()] = ordered_json(it.value());
    return out;
}

ordered_json dockerOrdered(const json& image) {
    ordered_json out = ordered(image, kImageOrder);
    for (const char* k : {"Config", "ContainerConfig"})
        if (image.contains(k) && image[k].is_object()) out[k] = ordered(image[k], kConfigOrder);
    return out;
}

int runInspect(Invocation& inv) {
    std::vector<json> found;
    std::string errors;
    for (const auto& name : inv.args) {
        try {
            found.push_back(inv.ctx.images().inspect(name));
        } catch (const store::ImageNotFound&) {
            // as the user wrote it, like docker
            errors += (errors.empty() ? "" : "\n") + std::string("Error: No such image: ") + name;
        }
    }
    return printInspected(inv, found, dockerOrdered, errors);
}

}  // namespace

CommandPtr makeImageInspectCommand() {
    auto c = std::make_shared<Command>();
    c->name = "inspect";
    c->use = "[OPTIONS] IMAGE [IMAGE...]";
    c->shortHelp = "Display detailed information on one or more images";
    c->args(ArgsRule::AtLeast, 1);
    c->flags.addString("format", 'f', "Format the output using the given Go template");
    c->run = runInspect;
    return c;
}

// Top-level `berth inspect`: containers (when every argument names one, or --type container),
// else images.
CommandPtr makeInspectCommand() {
    auto c = std::make_shared<Command>();
    c->name = "inspect";
    c->use = "[OPTIONS] NAME|ID [NAME|ID...]";
    c->shortHelp = "Return low-level information on berth objects";
    c->args(ArgsRule::AtLeast, 1);
    c->flags.addString("format", 'f', "Format the output using the given Go template")
        .addBool("size", 's', "Display total file sizes if the type is container")
        .addString("type", 0, "Return JSON for specified type");
    c->run = [](Invocation& inv) {
        std::string type = inv.flags.getString("type");
        // Containers first, as docker does (every argument a container → container inspect).
        if (type == "container" || (type.empty() && allContainers(inv.ctx, inv.args)))
            return runContainerInspect(inv);
        if (type == "volume" || (type.empty() && allVolumes(inv.ctx, inv.args) && !anyImage(inv.ctx, inv.args)))
            return runVolumeInspect(inv);
        if (!type.empty() && type != "image") {
            if (type == "container" || type == "network")
                throw Error("inspect --type " + type + ": not supported yet (images only)");
            throw Error("\"" + type + "\" is not a valid value for --type");
        }
        return runInspect(inv);
    };
    return c;
}

}  // namespace berth::cli
