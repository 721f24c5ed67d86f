// Content digests ("sha256:<64 hex>", OCI image-spec descriptor.md#digests) and a streaming
// SHA-256 (OpenSSL EVP) used to verify blobs while they are written.
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace berth::store {

// A validated digest. Only sha256 is accepted: it is what Docker and the OCI tools produce, and
// the store lays blobs out as blobs/sha256/<hex>.
class Digest {
  public:
    Digest() = default;
    // Throws berth::Error ("invalid digest ...") unless s is "sha256:" + 64 lowercase hex.
    static Digest parse(std::string_view s);
    static bool isValid(std::string_view s);
    static Digest fromHex(std::string_view hex) { return parse("sha256:" + std::string(hex)); }

    const std::string& str() const { return value_; }  // "sha256:abcd..."
    std::string hex() const { return value_.size() > 7 ? value_.substr(7) : std::string(); }
    std::string algorithm() const { return "sha256"; }
    bool empty() const { return value_.empty(); }
    // The 12-hex short form Docker prints in tables.
    std::string shortId() const { return hex().substr(0, 12); }

    friend bool operator==(const Digest&, const Digest&) = default;
    friend auto operator<=>(const Digest&, const Digest&) = default;

  private:
    std::string value_;
};

// Streaming SHA-256.
class Sha256Hasher {
  public:
    Sha256Hasher();
    ~Sha256Hasher();
    Sha256Hasher(const Sha256Hasher&) = delete;
    Sha256Hasher& operator=(const Sha256Hasher&) = delete;
    void update(const void* data, size_t len);
    void update(std::string_view s) { update(s.data(), s.size()); }
    Digest finish();  // once

  private:
    EVP_MD_CTX* ctx_;
};

Digest sha256Of(std::string_view data);

// Chain ID of layer n (OCI image-spec config.md#layer-chainid):
//   ChainID(L0) = DiffID(L0); ChainID(L0|..|Ln) = sha256(ChainID(L0|..|Ln-1) + " " + DiffID(Ln)).
Digest chainIdOf(const Digest& parentChainId, const Digest& diffId);

}  // namespace berth::store
