// Image references with Docker's normalisation (github.com/distribution/reference):
//   busybox            → docker.io/library/busybox:latest
//   user/app:1         → docker.io/user/app:1
//   localhost:5000/x   → localhost:5000/x:latest
//   name@sha256:<hex>  → digest reference (no default tag)
// Grammar: name [":" tag] ["@" digest]; name = [domain "/"] path-component ("/" path-component)*.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "store/digest.hpp"

namespace berth::store {

class Reference {
  public:
    // Parses and normalises. Throws berth::Error("invalid reference format...") on bad input.
    static Reference parse(std::string_view s);
    // parse() + ":latest" when neither tag nor digest is given (Docker's TagNameOnly).
    static Reference parseWithDefaultTag(std::string_view s);
    static bool isValidTag(std::string_view tag);

    const std::string& domain() const { return domain_; }
    const std::string& path() const { return path_; }
    const std::string& tag() const { return tag_; }
    const std::optional<Digest>& digest() const { return digest_; }
    bool hasTag() const { return !tag_.empty(); }
    bool hasDigest() const { return digest_.has_value(); }

    std::string name() const { return domain_ + "/" + path_; }  // docker.io/library/busybox
    std::string familiarName() const;                           // busybox
    std::string str() const;             // docker.io/library/busybox:latest[@sha256:..]
    std::string familiarString() const;  // busybox:latest

    Reference withTag(std::string tag) const;
    Reference withoutTag() const;

    friend bool operator==(const Reference&, const Reference&) = default;

  private:
    std::string domain_;
    std::string path_;
    std::string tag_;
    std::optional<Digest> digest_;
};

// A full image ID or a hex prefix of one, as accepted by docker ("sha256:" optional).
bool looksLikeIdPrefix(std::string_view s);

}  // namespace berth::store
