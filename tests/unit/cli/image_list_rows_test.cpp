// Docker's rules for `images` rows and filters, without a store.
#include "cli/verbs/image_list_rows.hpp"

#include <gtest/gtest.h>
#include <time.h>

#include "common/error.hpp"

namespace berth::cli {
namespace {

using nlohmann::json;

store::ImageSummary image(char hex, std::vector<std::string> tags,
                          std::vector<std::string> digests = {}, int64_t created = 0) {
    store::ImageSummary s;
    s.id = store::Digest::fromHex(std::string(64, hex));
    s.repoTags = std::move(tags);
    s.repoDigests = std::move(digests);
    s.created = created ? created : ::time(nullptr) - 7200;
    s.size = 1982256;
    return s;
}

std::vector<std::string> names(const std::vector<json>& rows) {
    std::vector<std::string> out;
    for (auto& r : rows)
        out.push_back(r["Repository"].get<std::string>() + ":" + r["Tag"].get<std::string>() + "@" +
                      r["Digest"].get<std::string>());
    return out;
}

const std::string kDig = "sha256:" + std::string(64, 'd');

TEST(ImageListRows, FieldsLikeDockersImageContext) {
    auto rows = imageListRows({image('a', {"busybox:latest"})}, false, true);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0]["ID"], "aaaaaaaaaaaa");
    EXPECT_EQ(rows[0]["Repository"], "busybox");
    EXPECT_EQ(rows[0]["Tag"], "latest");
    EXPECT_EQ(rows[0]["Digest"], "<none>");
    EXPECT_EQ(rows[0]["CreatedSince"], "2 hours ago");
    EXPECT_EQ(rows[0]["Size"], "1.98MB");
    EXPECT_EQ(rows[0]["Containers"], "N/A");
    auto full = imageListRows({image('a', {"busybox:latest"})}, false, false);
    EXPECT_EQ(full[0]["ID"], "sha256:" + std::string(64, 'a'));
}

TEST(ImageListRows, TagsDigestsAndDangling) {
    auto img = image('a', {"busybox:latest", "busybox:1", "localhost:5000/x:2"},
                     {"busybox@" + kDig, "other@" + kDig});
    EXPECT_EQ(names(imageListRows({img}, false, true)),
              (std::vector<std::string>{"busybox:latest@<none>", "busybox:1@<none>",
                                        "localhost:5000/x:2@<none>", "other:<none>@"}));
    EXPECT_EQ(names(imageListRows({img}, true, true)),
              (std::vector<std::string>{"busybox:latest@" + kDig, "busybox:1@" + kDig,
                                        "localhost:5000/x:2@<none>", "other:<none>@" + kDig}));
    EXPECT_EQ(names(imageListRows({image('b', {})}, false, true)),
              std::vector<std::string>{"<none>:<none>@<none>"});
}

TEST(ImageListRows, Filters) {
    std::vector<store::ImageSummary> all = {image('a', {"busybox:latest", "web:1"}, {}, 3000),
                                            image('b', {}, {}, 2000),
                                            image('c', {"example.com/team/app:2"}, {}, 1000)};
    all[2].labels = {{"team", "red"}, {"tier", ""}};
    auto createdOf = [&](const std::string& ref) -> int64_t {
        if (ref == "web:1") return 3000;
        if (ref == "app") return 1000;
        throw Error("No such image: " + ref);
    };
    auto run = [&](std::vector<std::string> f) {
        std::vector<std::string> out;
        for (auto& img : filterImages(all, Filters::parse(f), createdOf))
            out.push_back(img.id.hex().substr(0, 1) + std::to_string(img.repoTags.size()));
        return out;
    };
    EXPECT_EQ(run({"dangling=true"}), std::vector<std::string>{"b0"});
    EXPECT_EQ(run({"dangling=false"}), (std::vector<std::string>{"a2", "c1"}));
    EXPECT_EQ(run({"reference=busy*"}), std::vector<std::string>{"a1"});  // only matching tags
    EXPECT_EQ(run({"reference=web:1"}), std::vector<std::string>{"a1"});
    EXPECT_EQ(run({"reference=example.com/*/app"}), std::vector<std::string>{"c1"});
    EXPECT_EQ(run({"reference=*"}), std::vector<std::string>{"a2"});  // "*" stops at "/"
    EXPECT_EQ(run({"label=team=red"}), std::vector<std::string>{"c1"});
    EXPECT_EQ(run({"label=tier"}), std::vector<std::string>{"c1"});
    EXPECT_EQ(run({"label=team=blue"}), std::vector<std::string>{});
    EXPECT_EQ(run({"before=web:1"}), (std::vector<std::string>{"b0", "c1"}));
    EXPECT_EQ(run({"since=app"}), (std::vector<std::string>{"a2", "b0"}));
    EXPECT_THROW(run({"color=red"}), Error);
    EXPECT_THROW(run({"dangling=maybe"}), Error);
}

}  // namespace
}  // namespace berth::cli
