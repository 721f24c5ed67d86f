#include "store/image/image_model.hpp"

#include <ctime>

#include "common/error.hpp"

namespace berth::store {

using nlohmann::json;

namespace media {
bool isIndex(std::string_view mt) { return mt == kOciIndex || mt == kDockerList; }
bool isManifest(std::string_view mt) { return mt == kOciManifest || mt == kDockerManifest; }
bool isLayer(std::string_view mt) {
    return mt.find(".layer.") != std::string_view::npos ||
           mt.find("rootfs.") != std::string_view::npos;
}
const char* ociLayerType(Compression c) {
    switch (c) {
        case Compression::Gzip: return kOciLayerGzip;
        case Compression::Zstd: return kOciLayerZstd;
        case Compression::None: break;
    }
    return kOciLayer;
}
}  // namespace media

namespace {

[[noreturn]] void fieldError(const std::string& what, const std::string& field,
                             const std::string& why) {
    throw Error(what + ": field \"" + field + "\": " + why, EINVAL);
}

json parseDoc(std::string_view text, const std::string& what) {
    json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded()) throw Error(what + ": not valid JSON", EINVAL);
    if (!doc.is_object()) throw Error(what + ": not a JSON object", EINVAL);
    return doc;
}

std::string optString(const json& o, const char* key, const std::string& what,
                      const std::string& field) {
    auto it = o.find(key);
    if (it == o.end() || it->is_null()) return {};
    if (!it->is_string()) fieldError(what, field, "must be a string");
    return it->get<std::string>();
}

std::map<std::string, std::string> stringMap(const json& o, const char* key,
                                             const std::string& what, const std::string& field) {
    std::map<std::string, std::string> m;
    auto it = o.find(key);
    if (it == o.end() || it->is_null()) return m;
    if (!it->is_object()) fieldError(what, field, "must be an object");
    for (const auto& [k, v] : it->items()) {
        if (!v.is_string()) fieldError(what, field + "." + k, "must be a string");
        m[k] = v.get<std::string>();
    }
    return m;
}

Descriptor parseDescriptor(const json& d, const std::string& what, const std::string& field) {
    if (!d.is_object()) fieldError(what, field, "must be an object");
    Descriptor out;
    out.mediaType = optString(d, "mediaType", what, field + ".mediaType");
    std::string dg = optString(d, "digest", what, field + ".digest");
    if (dg.empty()) fieldError(what, field + ".digest", "missing");
    if (!Digest::isValid(dg)) fieldError(what, field + ".digest", "invalid digest \"" + dg + "\"");
    out.digest = Digest::parse(dg);
    auto sz = d.find("size");
    if (sz == d.end()) fieldError(what, field + ".size", "missing");
    if (!sz->is_number_integer() || sz->get<int64_t>() < 0)
        fieldError(what, field + ".size", "must be a non-negative integer");
    out.size = sz->get<uint64_t>();
    out.annotations = stringMap(d, "annotations", what, field + ".annotations");
    if (auto p = d.find("platform"); p != d.end() && p->is_object()) {
        Platform pl;
        pl.os = optString(*p, "os", what, field + ".platform.os");
        pl.architecture = optString(*p, "architecture", what, field + ".platform.architecture");
        pl.variant = optString(*p, "variant", what, field + ".platform.variant");
        out.platform = pl;
    }
    return out;
}

void checkSchemaVersion(const json& doc, const std::string& what) {
    auto sv = doc.find("schemaVersion");
    if (sv == doc.end()) fieldError(what, "schemaVersion", "missing");
    if (!sv->is_number_integer() || sv->get<int>() != 2)
        fieldError(what, "schemaVersion", "unsupported (want 2, got " + sv->dump() + ")");
}

}  // namespace

json Descriptor::toJson() const {
    json d = {{"mediaType", mediaType}, {"digest", digest.str()}, {"size", size}};
    if (!annotations.empty()) d["annotations"] = annotations;
    if (platform) {
        json p = {{"architecture", platform->architecture}, {"os", platform->os}};
        if (!platform->variant.empty()) p["variant"] = platform->variant;
        d["platform"] = p;
    }
    return d;
}

bool looksLikeIndex(const json& doc) {
    std::string mt = doc.value("mediaType", "");
    if (media::isIndex(mt)) return true;
    if (media::isManifest(mt)) return false;
    return doc.contains("manifests") && !doc.contains("layers");
}

Index parseIndex(std::string_view text, const std::string& what) {
    json doc = parseDoc(text, what);
    checkSchemaVersion(doc, what);
    std::string mt = optString(doc, "mediaType", what, "mediaType");
    if (!mt.empty() && !media::isIndex(mt))
        fieldError(what, "mediaType", "\"" + mt + "\" is not an image index or manifest list");
    Index idx;
    auto ms = doc.find("manifests");
    if (ms == doc.end()) fieldError(what, "manifests", "missing");
    if (!ms->is_array()) fieldError(what, "manifests", "must be an array");
    for (size_t i = 0; i < ms->size(); ++i)
        idx.manifests.push_back(
            parseDescriptor((*ms)[i], what, "manifests[" + std::to_string(i) + "]"));
    idx.annotations = stringMap(doc, "annotations", what, "annotations");
    return idx;
}

Manifest parseManifest(std::string_view text, const std::string& what) {
    json doc = parseDoc(text, what);
    checkSchemaVersion(doc, what);
    Manifest m;
    m.mediaType = optString(doc, "mediaType", what, "mediaType");
    if (!m.mediaType.empty() && !media::isManifest(m.mediaType))
        fieldError(what, "mediaType", "\"" + m.mediaType + "\" is not an image manifest");
    auto c = doc.find("config");
    if (c == doc.end()) fieldError(what, "config", "missing");
    m.config = parseDescriptor(*c, what, "config");
    auto ls = doc.find("layers");
    if (ls == doc.end()) fieldError(what, "layers", "missing");
    if (!ls->is_array()) fieldError(what, "layers", "must be an array");
    for (size_t i = 0; i < ls->size(); ++i) {
        std::string f = "layers[" + std::to_string(i) + "]";
        Descriptor d = parseDescriptor((*ls)[i], what, f);
        if (!d.mediaType.empty() && !media::isLayer(d.mediaType))
            fieldError(what, f + ".mediaType", "\"" + d.mediaType + "\" is not a layer type");
        if (d.mediaType.find("zstd") == std::string::npos &&
            d.mediaType.find("gzip") == std::string::npos && d.mediaType.find("+") != std::string::npos)
            fieldError(what, f + ".mediaType", "unsupported layer type \"" + d.mediaType + "\"");
        m.layers.push_back(std::move(d));
    }
    return m;
}

ImageConfig parseImageConfig(std::string_view text, const std::string& what) {
    ImageConfig c;
    c.raw = parseDoc(text, what);
    const json& doc = c.raw;
    c.architecture = optString(doc, "architecture", what, "architecture");
    c.os = optString(doc, "os", what, "os");
    c.variant = optString(doc, "variant", what, "variant");
    c.created = optString(doc, "created", what, "created");
    c.author = optString(doc, "author", what, "author");
    c.comment = optString(doc, "comment", what, "comment");
    c.dockerVersion = optString(doc, "docker_version", what, "docker_version");
    auto rootfs = doc.find("rootfs");
    if (rootfs == doc.end()) fieldError(what, "rootfs", "missing");
    if (!rootfs->is_object()) fieldError(what, "rootfs", "must be an object");
    std::string type = optString(*rootfs, "type", what, "rootfs.type");
    if (type != "layers") fieldError(what, "rootfs.type", "must be \"layers\", got \"" + type + "\"");
    auto ids = rootfs->find("diff_ids");
    if (ids == rootfs->end()) fieldError(what, "rootfs.diff_ids", "missing");
    if (!ids->is_array()) fieldError(what, "rootfs.diff_ids", "must be an array");
    for (size_t i = 0; i < ids->size(); ++i) {
        std::string f = "rootfs.diff_ids[" + std::to_string(i) + "]";
        const json& v = (*ids)[i];
        if (!v.is_string() || !Digest::isValid(v.get<std::string>()))
            fieldError(what, f, "invalid digest " + v.dump());
        c.diffIds.push_back(Digest::parse(v.get<std::string>()));
    }
    if (auto h = doc.find("history"); h != doc.end() && !h->is_null()) {
        if (!h->is_array()) fieldError(what, "history", "must be an array");
        for (size_t i = 0; i < h->size(); ++i) {
            std::string f = "history[" + std::to_string(i) + "]";
            const json& e = (*h)[i];
            if (!e.is_object()) fieldError(what, f, "must be an object");
            HistoryEntry he;
            he.created = optString(e, "created", what, f + ".created");
            he.createdBy = optString(e, "created_by", what, f + ".created_by");
            he.author = optString(e, "author", what, f + ".author");
            he.comment = optString(e, "comment", what, f + ".comment");
            if (auto el = e.find("empty_layer"); el != e.end() && !el->is_null()) {
                if (!el->is_boolean()) fieldError(what, f + ".empty_layer", "must be a boolean");
                he.emptyLayer = el->get<bool>();
            }
            c.history.push_back(std::move(he));
        }
    }
    if (auto cfg = doc.find("config"); cfg != doc.end() && !cfg->is_null()) {
        if (!cfg->is_object()) fieldError(what, "config", "must be an object");
        c.config = *cfg;
        c.labels = stringMap(*cfg, "Labels", what, "config.Labels");
    }
    return c;
}

const Descriptor& choosePlatform(const std::vector<Descriptor>& manifests, const std::string& what,
                                 const std::string& os, const std::string& arch) {
    if (manifests.empty()) throw Error(what + ": the index lists no manifests", EINVAL);
    const Descriptor* noPlatform = nullptr;
    size_t candidates = 0;
    std::string offered;
    for (const auto& d : manifests) {
        if (!d.mediaType.empty() && !media::isManifest(d.mediaType) && !media::isIndex(d.mediaType))
            continue;  // attestations and other artifacts
        ++candidates;
        if (!d.platform) {
            if (!noPlatform) noPlatform = &d;
            continue;
        }
        if (d.platform->os == os && d.platform->architecture == arch) return d;
        offered += (offered.empty() ? "" : ", ") + d.platform->os + "/" + d.platform->architecture +
                   (d.platform->variant.empty() ? "" : "/" + d.platform->variant);
    }
    if (noPlatform) return *noPlatform;
    if (candidates == 0) throw Error(what + ": the index lists no image manifests", EINVAL);
    throw Error(what + ": no manifest for " + os + "/" + arch + " (offered: " + offered + ")",
                ENOENT);
}

int64_t parseRfc3339(std::string_view s) {
    if (s.size() < 19) return 0;
    std::tm tm{};
    std::string str(s);
    if (!::strptime(str.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return 0;
    int64_t t = ::timegm(&tm);
    // Timezone offset ("+02:00"); fractional seconds are dropped.
    size_t p = 19;
    while (p < str.size() && (str[p] == '.' || isdigit(static_cast<unsigned char>(str[p])))) ++p;
    if (p + 6 <= str.size() && (str[p] == '+' || str[p] == '-')) {
        int h = std::stoi(str.substr(p + 1, 2)), m = std::stoi(str.substr(p + 4, 2));
        int64_t off = (h * 60 + m) * 60;
        t += str[p] == '+' ? -off : off;
    }
    return t;
}

std::vector<Digest> chainIds(const std::vector<Digest>& diffIds) {
    std::vector<Digest> out;
    for (const auto& d : diffIds) out.push_back(out.empty() ? d : chainIdOf(out.back(), d));
    return out;
}

}  // namespace berth::store
