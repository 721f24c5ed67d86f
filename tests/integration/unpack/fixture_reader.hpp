// Reads the layers of the peer-made image fixtures (docker-archive, OCI archive) in order,
// bottom first, using libarchive on the outer tar (the test's job, not berth's loader's).
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace berth::test {

inline std::map<std::string, std::string> readOuterTar(const std::string& path) {
    std::map<std::string, std::string> files;
    archive* a = archive_read_new();
    archive_read_support_format_tar(a);
    if (archive_read_open_filename(a, path.c_str(), 1 << 16) != ARCHIVE_OK)
        throw std::runtime_error("open " + path + ": " + archive_error_string(a));
    archive_entry* e;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        if (archive_entry_filetype(e) != AE_IFREG) continue;
        std::string name = archive_entry_pathname(e);
        if (name.rfind("./", 0) == 0) name.erase(0, 2);
        std::string data(static_cast<size_t>(archive_entry_size(e)), '\0');
        if (!data.empty()) archive_read_data(a, data.data(), data.size());
        files[name] = std::move(data);
    }
    archive_read_free(a);
    return files;
}

// Layer blobs, bottom first, and their diff_ids from the image config.
struct FixtureImage {
    std::vector<std::string> layers;
    std::vector<std::string> diffIds;
};

inline FixtureImage readFixtureImage(const std::string& path) {
    auto files = readOuterTar(path);
    FixtureImage img;
    nlohmann::json config;
    if (files.count("manifest.json")) {  // docker-archive
        auto m = nlohmann::json::parse(files.at("manifest.json"));
        for (const auto& l : m[0]["Layers"]) img.layers.push_back(files.at(l.get<std::string>()));
        config = nlohmann::json::parse(files.at(m[0]["Config"].get<std::string>()));
    } else {  // OCI layout: index.json → manifest (through nested indexes)
        auto blob = [&](const std::string& digest) {
            return files.at("blobs/sha256/" + digest.substr(7));
        };
        auto doc = nlohmann::json::parse(files.at("index.json"));
        while (doc.contains("manifests"))
            doc = nlohmann::json::parse(blob(doc["manifests"][0]["digest"].get<std::string>()));
        for (const auto& l : doc["layers"]) img.layers.push_back(blob(l["digest"]));
        config = nlohmann::json::parse(blob(doc["config"]["digest"].get<std::string>()));
    }
    for (const auto& d : config["rootfs"]["diff_ids"]) img.diffIds.push_back(d);
    return img;
}

}  // namespace berth::test
