#include "store/image/metadata_db.hpp"

#include "common/error.hpp"

namespace berth::store {

namespace {

constexpr const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS images(
  id TEXT PRIMARY KEY,
  manifest TEXT NOT NULL DEFAULT '',
  created INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT '',
  size INTEGER NOT NULL DEFAULT 0,
  parent TEXT NOT NULL DEFAULT '',
  last_tag_time TEXT NOT NULL DEFAULT '',
  added INTEGER NOT NULL DEFAULT (strftime('%s','now')));
CREATE TABLE IF NOT EXISTS image_layers(
  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  chain_id TEXT NOT NULL,
  diff_id TEXT NOT NULL,
  blob TEXT NOT NULL,
  media_type TEXT NOT NULL,
  blob_size INTEGER NOT NULL,
  diff_size INTEGER NOT NULL,
  PRIMARY KEY(image_id, idx));
CREATE INDEX IF NOT EXISTS image_layers_chain ON image_layers(chain_id);
CREATE TABLE IF NOT EXISTS layers(
  chain_id TEXT PRIMARY KEY,
  diff_id TEXT NOT NULL,
  size INTEGER NOT NULL DEFAULT 0,
  diff_size INTEGER NOT NULL DEFAULT 0,
  refcount INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS refs(
  name TEXT PRIMARY KEY,
  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  is_digest INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL DEFAULT (strftime('%s','now')));
CREATE INDEX IF NOT EXISTS refs_image ON refs(image_id);
)SQL";

using Stmt = db::SqliteDb::Stmt;

RefRecord refFrom(const Stmt& s) {
    return RefRecord{s.text(0), Digest::parse(s.text(1)), s.i64(2) != 0};
}

}  // namespace

MetadataDb::MetadataDb(const std::string& path) : MetadataDb(db::SqliteDb::shared(path)) {}

MetadataDb::MetadataDb(std::shared_ptr<db::SqliteDb> conn) : conn_(std::move(conn)) {
    withContext("open metadata db " + conn_->path(), [&] { conn_->ensureSchema(kSchema); });
}

MetadataDb::~MetadataDb() = default;

void MetadataDb::transaction(const std::function<void()>& fn) { conn_->write(fn); }

void MetadataDb::read(const std::function<void()>& fn) const { conn_->read(fn); }

bool MetadataDb::hasImage(const Digest& id) const {
    Stmt s(*conn_, "SELECT 1 FROM images WHERE id=?");
    return s.bind(1, id.str()).step();
}

bool MetadataDb::insertImage(const ImageRecord& img) {
    if (hasImage(img.id)) return false;
    Stmt ins(*conn_,
             "INSERT INTO images(id, manifest, created, created_at, size, parent, last_tag_time)"
             " VALUES(?,?,?,?,?,?,?)");
    ins.bind(1, img.id.str()).bind(2, img.manifest).bind(3, img.created).bind(4, img.createdAt);
    ins.bind(5, static_cast<int64_t>(img.size)).bind(6, img.parent).bind(7, img.lastTagTime).step();
    for (size_t i = 0; i < img.layers.size(); ++i) {
        const auto& l = img.layers[i];
        Stmt il(*conn_,
                "INSERT INTO image_layers(image_id, idx, chain_id, diff_id, blob, media_type,"
                " blob_size, diff_size) VALUES(?,?,?,?,?,?,?,?)");
        il.bind(1, img.id.str()).bind(2, static_cast<int64_t>(i)).bind(3, l.chainId.str());
        il.bind(4, l.diffId.str()).bind(5, l.blob.str()).bind(6, l.mediaType);
        il.bind(7, static_cast<int64_t>(l.blobSize)).bind(8, static_cast<int64_t>(l.diffSize)).step();
        Stmt up(*conn_,
                "INSERT INTO layers(chain_id, diff_id, size, diff_size, refcount) VALUES(?,?,?,?,1)"
                " ON CONFLICT(chain_id) DO UPDATE SET refcount=refcount+1");
        up.bind(1, l.chainId.str()).bind(2, l.diffId.str()).bind(3, static_cast<int64_t>(l.size));
        up.bind(4, static_cast<int64_t>(l.diffSize)).step();
    }
    return true;
}

std::optional<ImageRecord> MetadataDb::image(const Digest& id) const {
    Stmt s(*conn_,
           "SELECT manifest, created, created_at, size, parent, last_tag_time FROM images"
           " WHERE id=?");
    if (!s.bind(1, id.str()).step()) return std::nullopt;
    ImageRecord r;
    r.id = id;
    r.manifest = s.text(0);
    r.created = s.i64(1);
    r.createdAt = s.text(2);
    r.size = static_cast<uint64_t>(s.i64(3));
    r.parent = s.text(4);
    r.lastTagTime = s.text(5);
    Stmt l(*conn_,
           "SELECT il.chain_id, il.diff_id, il.blob, il.media_type, il.blob_size, il.diff_size,"
           " COALESCE(l.size, 0) FROM image_layers il LEFT JOIN layers l ON l.chain_id=il.chain_id"
           " WHERE il.image_id=? ORDER BY il.idx");
    l.bind(1, id.str());
    while (l.step()) {
        ImageLayerRecord lr;
        lr.chainId = Digest::parse(l.text(0));
        lr.diffId = Digest::parse(l.text(1));
        lr.blob = Digest::parse(l.text(2));
        lr.mediaType = l.text(3);
        lr.blobSize = static_cast<uint64_t>(l.i64(4));
        lr.diffSize = static_cast<uint64_t>(l.i64(5));
        lr.size = static_cast<uint64_t>(l.i64(6));
        r.layers.push_back(std::move(lr));
    }
    return r;
}

std::vector<ImageRecord> MetadataDb::images() const {
    std::vector<ImageRecord> out;
    read([&] {
        std::vector<Digest> ids;
        Stmt s(*conn_, "SELECT id FROM images ORDER BY created DESC, added DESC");
        while (s.step()) ids.push_back(Digest::parse(s.text(0)));
        for (const auto& id : ids)
            if (auto r = image(id)) out.push_back(std::move(*r));
    });
    return out;
}

std::vector<Digest> MetadataDb::idsWithPrefix(const std::string& hexPrefix) const {
    // A range of the primary key's index (ids are "sha256:<hex>"), not a scan of every row.
    std::string low = "sha256:" + hexPrefix;
    Stmt s(*conn_, "SELECT id FROM images WHERE id >= ? AND id < ?");
    s.bind(1, low).bind(2, db::prefixUpperBound(low));
    std::vector<Digest> out;
    while (s.step()) out.push_back(Digest::parse(s.text(0)));
    return out;
}

std::vector<Digest> MetadataDb::deleteImage(const Digest& id) {
    std::vector<Digest> released;
    transaction([&] {
        std::vector<Digest> chains;
        {
            Stmt s(*conn_, "SELECT chain_id FROM image_layers WHERE image_id=?");
            s.bind(1, id.str());
            while (s.step()) chains.push_back(Digest::parse(s.text(0)));
        }
        Stmt(*conn_, "DELETE FROM refs WHERE image_id=?").bind(1, id.str()).step();
        Stmt(*conn_, "DELETE FROM image_layers WHERE image_id=?").bind(1, id.str()).step();
        Stmt(*conn_, "DELETE FROM images WHERE id=?").bind(1, id.str()).step();
        for (const auto& c : chains) {
            Stmt(*conn_, "UPDATE layers SET refcount=refcount-1 WHERE chain_id=?").bind(1, c.str()).step();
            if (layerRefCount(c) <= 0) {
                Stmt(*conn_, "DELETE FROM layers WHERE chain_id=?").bind(1, c.str()).step();
                released.push_back(c);
            }
        }
    });
    return released;
}

std::optional<Digest> MetadataDb::setRef(const RefRecord& ref) {
    std::optional<Digest> prev;
    if (auto old = this->ref(ref.name); old && old->imageId != ref.imageId) prev = old->imageId;
    Stmt s(*conn_,
           "INSERT INTO refs(name, image_id, is_digest) VALUES(?,?,?) ON CONFLICT(name) DO UPDATE"
           " SET image_id=excluded.image_id, created=strftime('%s','now')");
    s.bind(1, ref.name).bind(2, ref.imageId.str()).bind(3, ref.isDigest ? 1 : 0).step();
    return prev;
}

bool MetadataDb::removeRef(const std::string& name) {
    Stmt s(*conn_, "DELETE FROM refs WHERE name=?");
    s.bind(1, name).step();
    return conn_->changes() > 0;
}

std::optional<RefRecord> MetadataDb::ref(const std::string& name) const {
    Stmt s(*conn_, "SELECT name, image_id, is_digest FROM refs WHERE name=?");
    if (!s.bind(1, name).step()) return std::nullopt;
    return refFrom(s);
}

std::vector<RefRecord> MetadataDb::refsOf(const Digest& id) const {
    Stmt s(*conn_, "SELECT name, image_id, is_digest FROM refs WHERE image_id=? ORDER BY created, name");
    s.bind(1, id.str());
    std::vector<RefRecord> out;
    while (s.step()) out.push_back(refFrom(s));
    return out;
}

std::vector<RefRecord> MetadataDb::refs() const {
    Stmt s(*conn_, "SELECT name, image_id, is_digest FROM refs ORDER BY created, name");
    std::vector<RefRecord> out;
    while (s.step()) out.push_back(refFrom(s));
    return out;
}

void MetadataDb::setLastTagTime(const Digest& id, const std::string& t) {
    Stmt(*conn_, "UPDATE images SET last_tag_time=? WHERE id=?").bind(1, t).bind(2, id.str()).step();
}

bool MetadataDb::hasLayer(const Digest& chainId) const {
    return Stmt(*conn_, "SELECT 1 FROM layers WHERE chain_id=?").bind(1, chainId.str()).step();
}

std::optional<std::pair<uint64_t, uint64_t>> MetadataDb::layerSizes(const Digest& chainId) const {
    Stmt s(*conn_, "SELECT size, diff_size FROM layers WHERE chain_id=?");
    if (!s.bind(1, chainId.str()).step()) return std::nullopt;
    return std::make_pair(static_cast<uint64_t>(s.i64(0)), static_cast<uint64_t>(s.i64(1)));
}

int MetadataDb::layerRefCount(const Digest& chainId) const {
    Stmt s(*conn_, "SELECT refcount FROM layers WHERE chain_id=?");
    if (!s.bind(1, chainId.str()).step()) return 0;
    return static_cast<int>(s.i64(0));
}

std::vector<Digest> MetadataDb::layerChainIds() const {
    Stmt s(*conn_, "SELECT chain_id FROM layers WHERE refcount > 0");
    std::vector<Digest> out;
    while (s.step()) out.push_back(Digest::parse(s.text(0)));
    return out;
}

std::vector<Digest> MetadataDb::referencedBlobs() const {
    Stmt s(*conn_,
           "SELECT id FROM images UNION SELECT manifest FROM images WHERE manifest != ''"
           " UNION SELECT blob FROM image_layers");
    std::vector<Digest> out;
    while (s.step()) out.push_back(Digest::parse(s.text(0)));
    return out;
}

}  // namespace berth::store
