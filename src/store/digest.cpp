#include "store/digest.hpp"

#include "common/error.hpp"

namespace berth::store {

bool Digest::isValid(std::string_view s) {
    if (s.size() != 7 + 64 || s.substr(0, 7) != "sha256:") return false;
    for (char c : s.substr(7)) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

Digest Digest::parse(std::string_view s) {
    if (!isValid(s)) {
        if (s.find(':') == std::string_view::npos)
            throw Error("invalid digest \"" + std::string(s) + "\": missing algorithm");
        if (s.substr(0, s.find(':')) != "sha256")
            throw Error("invalid digest \"" + std::string(s) + "\": unsupported algorithm");
        throw Error("invalid digest \"" + std::string(s) + "\": want sha256:<64 lowercase hex>");
    }
    Digest d;
    d.value_ = std::string(s);
    return d;
}

Sha256Hasher::Sha256Hasher() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1)
        throw Error("sha256: EVP_DigestInit_ex failed");
}

Sha256Hasher::~Sha256Hasher() {
    EVP_MD_CTX_free(ctx_);
}

void Sha256Hasher::update(const void* data, size_t len) {
    if (len && EVP_DigestUpdate(ctx_, data, len) != 1) throw Error("sha256: update failed");
}

Digest Sha256Hasher::finish() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(ctx_, md, &n) != 1) throw Error("sha256: final failed");
    static const char* hexdig = "0123456789abcdef";
    std::string out = "sha256:";
    for (unsigned i = 0; i < n; ++i) {
        out += hexdig[md[i] >> 4];
        out += hexdig[md[i] & 15];
    }
    return Digest::parse(out);
}

Digest sha256Of(std::string_view data) {
    Sha256Hasher h;
    h.update(data);
    return h.finish();
}

Digest chainIdOf(const Digest& parentChainId, const Digest& diffId) {
    if (parentChainId.empty()) return diffId;
    return sha256Of(parentChainId.str() + " " + diffId.str());
}

}  // namespace berth::store
