// The rows of `berth images`, apart from the verb so unit tests can check docker's rules.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/filters.hpp"
#include "store/image_store.hpp"

namespace berth::cli {

// Docker's image list filters: dangling=, label=, before=, since=, reference= (glob on
// "name:tag" and "name"; only the matching refs stay on an image). createdOf resolves the
// image named by before=/since= to its creation time. Throws Error("Invalid filter 'x'").
std::vector<store::ImageSummary> filterImages(
    std::vector<store::ImageSummary> all, const Filters& filters,
    const std::function<int64_t(const std::string&)>& createdOf);

// One JSON row per repo:tag (per digest too with `digests`), "<none>" rows for dangling
// images, fields as docker's imageContext: ID Repository Tag Digest CreatedSince CreatedAt Size
// VirtualSize Containers SharedSize UniqueSize.
std::vector<nlohmann::json> imageListRows(const std::vector<store::ImageSummary>& images,
                                          bool digests, bool trunc);

}  // namespace berth::cli
