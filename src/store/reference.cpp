#include "store/reference.hpp"

#include <regex>

#include "common/error.hpp"

namespace berth::store {

namespace {

constexpr std::string_view kDefaultDomain = "docker.io";
constexpr std::string_view kLegacyDomain = "index.docker.io";
constexpr std::string_view kOfficialRepoPrefix = "library/";
constexpr size_t kMaxNameLength = 255;

// From distribution/reference regexp.go.
const std::regex& domainRe() {
    static const std::regex re(
        R"(^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?$)");
    return re;
}
const std::regex& pathComponentRe() {
    static const std::regex re(R"(^[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*$)");
    return re;
}
const std::regex& tagRe() {
    static const std::regex re(R"(^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$)");
    return re;
}

[[noreturn]] void invalid(std::string_view input, const std::string& why = "") {
    std::string msg = "invalid reference format";
    if (!why.empty()) msg += ": " + why;
    (void)input;
    throw Error(msg, EINVAL);
}

bool hasUpper(std::string_view s) {
    for (char c : s)
        if (c >= 'A' && c <= 'Z') return true;
    return false;
}

}  // namespace

bool Reference::isValidTag(std::string_view tag) {
    return std::regex_match(tag.begin(), tag.end(), tagRe());
}

bool looksLikeIdPrefix(std::string_view s) {
    if (s.substr(0, 7) == "sha256:") s.remove_prefix(7);
    if (s.empty() || s.size() > 64) return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

Reference Reference::parse(std::string_view input) {
    if (input.empty()) invalid(input);
    std::string s(input);
    Reference r;

    // "@digest" is last.
    if (auto at = s.find('@'); at != std::string::npos) {
        std::string d = s.substr(at + 1);
        if (!Digest::isValid(d)) invalid(input);
        r.digest_ = Digest::parse(d);
        s.resize(at);
    }
    // ":tag" is after the last '/' (a ':' before it belongs to the domain's port).
    auto lastSlash = s.rfind('/');
    auto colon = s.rfind(':');
    if (colon != std::string::npos && (lastSlash == std::string::npos || colon > lastSlash)) {
        std::string tag = s.substr(colon + 1);
        if (!isValidTag(tag)) invalid(input);
        r.tag_ = tag;
        s.resize(colon);
    }
    if (s.empty()) invalid(input);

    // Domain split, as ParseNormalizedNamed/splitDockerDomain.
    std::string domain, remainder;
    auto slash = s.find('/');
    if (slash == std::string::npos) {
        domain = kDefaultDomain;
        remainder = s;
    } else {
        std::string first = s.substr(0, slash);
        bool isDomain = first.find_first_of(".:") != std::string::npos || first == "localhost" ||
                        hasUpper(first);
        if (isDomain) {
            domain = first;
            remainder = s.substr(slash + 1);
        } else {
            domain = kDefaultDomain;
            remainder = s;
        }
    }
    if (domain == kLegacyDomain) domain = kDefaultDomain;
    if (domain == kDefaultDomain && remainder.find('/') == std::string::npos)
        remainder = std::string(kOfficialRepoPrefix) + remainder;

    if (hasUpper(remainder)) invalid(input, "repository name must be lowercase");
    if (!std::regex_match(domain, domainRe())) invalid(input);
    size_t start = 0;
    for (;;) {
        auto end = remainder.find('/', start);
        std::string comp = remainder.substr(start, end == std::string::npos ? end : end - start);
        if (!std::regex_match(comp, pathComponentRe())) invalid(input);
        if (end == std::string::npos) break;
        start = end + 1;
    }
    if (domain.size() + 1 + remainder.size() > kMaxNameLength)
        invalid(input, "repository name must not be more than 255 characters");
    // A bare 64-hex name would be ambiguous with an image ID (docker refuses it too).
    if (input.find('/') == std::string_view::npos && r.tag_.empty() && !r.digest_ &&
        looksLikeIdPrefix(input) && input.size() == 64)
        throw Error("invalid repository name (" + std::string(input) +
                        "), cannot specify 64-byte hexadecimal strings",
                    EINVAL);
    r.domain_ = domain;
    r.path_ = remainder;
    return r;
}

Reference Reference::parseWithDefaultTag(std::string_view s) {
    Reference r = parse(s);
    if (r.tag_.empty() && !r.digest_) r.tag_ = "latest";
    return r;
}

std::string Reference::familiarName() const {
    if (domain_ != kDefaultDomain) return name();
    if (path_.starts_with(kOfficialRepoPrefix) &&
        path_.find('/', kOfficialRepoPrefix.size()) == std::string::npos)
        return path_.substr(kOfficialRepoPrefix.size());
    return path_;
}

std::string Reference::str() const {
    std::string out = name();
    if (!tag_.empty()) out += ":" + tag_;
    if (digest_) out += "@" + digest_->str();
    return out;
}

std::string Reference::familiarString() const {
    std::string out = familiarName();
    if (!tag_.empty()) out += ":" + tag_;
    if (digest_) out += "@" + digest_->str();
    return out;
}

Reference Reference::withTag(std::string tag) const {
    if (!isValidTag(tag)) invalid(tag);
    Reference r = *this;
    r.tag_ = std::move(tag);
    return r;
}

Reference Reference::withoutTag() const {
    Reference r = *this;
    r.tag_.clear();
    return r;
}

}  // namespace berth::store
