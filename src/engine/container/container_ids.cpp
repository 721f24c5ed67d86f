#include "engine/container/container_ids.hpp"

#include <sys/random.h>

#include <cstdint>

#include "common/error.hpp"

namespace berth::engine {

namespace {

void randomBytes(void* buf, size_t len) {
    auto* p = static_cast<unsigned char*>(buf);
    while (len > 0) {
        ssize_t n = ::getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw SysError("getrandom");
        }
        p += n;
        len -= size_t(n);
    }
}

// A selection of moby's namesgenerator lists.
const char* const kAdjectives[] = {
    "admiring", "adoring", "affectionate", "agitated", "amazing", "angry", "awesome", "beautiful",
    "blissful", "bold", "boring", "brave", "busy", "charming", "clever", "compassionate",
    "competent", "condescending", "confident", "cool", "cranky", "crazy", "dazzling", "determined",
    "distracted", "dreamy", "eager", "ecstatic", "elastic", "elated", "elegant", "eloquent", "epic",
    "exciting", "fervent", "festive", "flamboyant", "focused", "friendly", "frosty", "funny",
    "gallant", "gifted", "goofy", "gracious", "great", "happy", "hardcore", "heuristic", "hopeful",
    "hungry", "infallible", "inspiring", "intelligent", "interesting", "jolly", "jovial", "keen",
    "kind", "laughing", "loving", "lucid", "magical", "modest", "musing", "mystifying", "naughty",
    "nervous", "nice", "nifty", "nostalgic", "objective", "optimistic", "peaceful", "pedantic",
    "pensive", "practical", "priceless", "quirky", "quizzical", "recursing", "relaxed", "reverent",
    "romantic", "sad", "serene", "sharp", "silly", "sleepy", "stoic", "strange", "stupefied",
    "suspicious", "sweet", "tender", "thirsty", "trusting", "unruffled", "upbeat", "vibrant",
    "vigilant", "vigorous", "wizardly", "wonderful", "xenodochial", "youthful", "zealous", "zen",
};
const char* const kSurnames[] = {
    "agnesi", "albattani", "allen", "almeida", "archimedes", "ardinghelli", "babbage", "banach",
    "bardeen", "bartik", "bassi", "bell", "benz", "bhabha", "black", "blackwell", "bohr", "booth",
    "borg", "bose", "bouman", "brahmagupta", "brattain", "brown", "buck", "burnell", "cannon",
    "carson", "cartwright", "cerf", "chandrasekhar", "chatelet", "chatterjee", "chebyshev",
    "clarke", "colden", "cori", "cray", "curie", "darwin", "davinci", "diffie", "dijkstra",
    "dirac", "driscoll", "dubinsky", "easley", "edison", "einstein", "elgamal", "elion", "engelbart",
    "euclid", "euler", "faraday", "feistel", "fermat", "fermi", "feynman", "franklin", "gagarin",
    "galileo", "gates", "gauss", "germain", "goldberg", "goldstine", "goldwasser", "golick",
    "goodall", "hamilton", "hawking", "heisenberg", "hellman", "hermann", "hertz", "hodgkin",
    "hofstadter", "hopper", "hugle", "hypatia", "jackson", "jang", "jennings", "johnson", "joliot",
    "jones", "kalam", "kapitsa", "kare", "keller", "kepler", "khorana", "kilby", "kirch", "knuth",
    "kowalevski", "lalande", "lamarr", "lamport", "leakey", "leavitt", "lehmann", "lewin",
    "lichterman", "liskov", "lovelace", "lumiere", "mahavira", "margulis", "matsumoto", "maxwell",
    "mayer", "mccarthy", "mcclintock", "mclean", "meitner", "mendel", "mendeleev", "merkle",
    "mirzakhani", "montalcini", "moore", "morse", "moser", "murdock", "napier", "nash", "neumann",
    "newton", "nightingale", "nobel", "noether", "northcutt", "noyce", "panini", "pare", "pascal",
    "pasteur", "payne", "perlman", "pike", "poincare", "poitras", "proskuriakova", "ptolemy",
    "raman", "ramanujan", "rhodes", "ride", "ritchie", "robinson", "roentgen", "rosalind", "rubin",
    "saha", "sammet", "sanderson", "satoshi", "shamir", "shannon", "shaw", "shirley", "shockley",
    "sinoussi", "snyder", "solomon", "spence", "stonebraker", "sutherland", "swanson", "swartz",
    "swirles", "taussig", "tesla", "tharp", "thompson", "torvalds", "tu", "turing", "varahamihira",
    "vaughan", "villani", "visvesvaraya", "volhard", "wescoff", "wilbur", "wiles", "williams",
    "williamson", "wilson", "wing", "wozniak", "wright", "wu", "yalow", "yonath", "zhukovsky",
};

uint32_t randomBelow(uint32_t n) {
    uint32_t r;
    randomBytes(&r, sizeof r);
    return r % n;
}

}  // namespace

std::string generateContainerId() {
    static const char hex[] = "0123456789abcdef";
    for (;;) {
        unsigned char b[32];
        randomBytes(b, sizeof b);
        std::string id;
        id.reserve(64);
        for (unsigned char c : b) {
            id += hex[c >> 4];
            id += hex[c & 15];
        }
        // moby: an ID that parses as a number would be mistaken for one in short form.
        if (id.substr(0, 12).find_first_not_of("0123456789") != std::string::npos) return id;
    }
}

std::string generateContainerName(int retry) {
    constexpr uint32_t na = sizeof kAdjectives / sizeof *kAdjectives;
    constexpr uint32_t ns = sizeof kSurnames / sizeof *kSurnames;
    for (;;) {
        std::string name = std::string(kAdjectives[randomBelow(na)]) + "_" + kSurnames[randomBelow(ns)];
        if (name == "boring_wozniak") continue;  // "Steve Wozniak is not boring" (moby)
        if (retry > 0) name += std::to_string(randomBelow(10));
        return name;
    }
}

std::string validateContainerName(const std::string& in) {
    std::string name = !in.empty() && in[0] == '/' ? in.substr(1) : in;
    auto ok = [](char c, bool first) {
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        return alnum || (!first && (c == '_' || c == '.' || c == '-'));
    };
    bool valid = name.size() >= 2;
    for (size_t i = 0; valid && i < name.size(); ++i) valid = ok(name[i], i == 0);
    if (!valid)
        throw Error("Invalid container name (" + in + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
    return name;
}

}  // namespace berth::engine
