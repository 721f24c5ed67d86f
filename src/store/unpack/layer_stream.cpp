#include "store/unpack/layer_stream.hpp"

#include "common/error.hpp"

namespace berth::store {

namespace {
constexpr size_t kPipelineDepth = 4;  // chunks in flight: enough to absorb jitter, bounded memory
}

LayerStream::LayerStream(ReadFn read, size_t bufferSize, bool pipeline)
    : read_(std::move(read)),
      bufferSize_(bufferSize < 65536 ? 65536 : bufferSize),
      inBuf_(bufferSize_),
      pipeline_(pipeline) {
    // Sniff the compression from the first bytes (a blob shorter than 4 bytes is "none").
    size_t got = 0;
    while (got < 4) {
        size_t n = read_(inBuf_.data() + got, bufferSize_ - got);
        if (n == 0) {
            inputEnded_ = true;
            break;
        }
        got += n;
    }
    compressedBytes_ = got;
    inPos_ = inBuf_.data();
    inLen_ = got;
    compression_ = detectCompression(inBuf_.data(), got);
    decompressor_ = makeDecompressor(compression_);
    if (pipeline_) {
        for (size_t i = 0; i < kPipelineDepth; ++i) empty_.push_back(std::make_unique<Chunk>());
        producer_ = std::thread([this] { producerLoop(); });
    }
}

LayerStream::~LayerStream() {
    if (producer_.joinable()) {
        {
            std::lock_guard lk(mu_);
            stop_ = true;
        }
        cv_.notify_all();
        producer_.join();
    }
}

bool LayerStream::produce(Chunk& chunk) {
    if (chunk.data.size() != bufferSize_) chunk.data.resize(bufferSize_);
    chunk.size = 0;
    while (chunk.size < bufferSize_) {
        if (inLen_ == 0 && !inputEnded_) {
            size_t n = read_(inBuf_.data(), bufferSize_);
            if (n == 0) inputEnded_ = true;
            compressedBytes_ += n;
            inPos_ = inBuf_.data();
            inLen_ = n;
        }
        size_t out = decompressor_->step(inPos_, inLen_, chunk.data.data() + chunk.size,
                                         bufferSize_ - chunk.size, inputEnded_);
        chunk.size += out;
        if (out == 0 && inputEnded_ && inLen_ == 0) break;
        // A full chunk is handed on even if the decompressor holds more; small outputs keep
        // filling so the consumer sees large blocks.
    }
    if (inputEnded_ && inLen_ == 0 && chunk.size == 0 && !decompressor_->finished() &&
        compression_ != Compression::None)
        throw Error(std::string(compressionName(compression_)) + ": truncated stream", EIO);
    sha_.update(chunk.data.data(), chunk.size);
    uncompressedBytes_ += chunk.size;
    return chunk.size > 0;
}

void LayerStream::producerLoop() {
    try {
        for (;;) {
            std::unique_ptr<Chunk> chunk;
            {
                std::unique_lock lk(mu_);
                cv_.wait(lk, [&] { return stop_ || !empty_.empty(); });
                if (stop_) return;
                chunk = std::move(empty_.front());
                empty_.pop_front();
            }
            bool more = produce(*chunk);
            std::lock_guard lk(mu_);
            if (more) full_.push_back(std::move(chunk));
            if (!more) {
                producerDone_ = true;
                cv_.notify_all();
                return;
            }
            cv_.notify_all();
        }
    } catch (...) {
        std::lock_guard lk(mu_);
        error_ = std::current_exception();
        producerDone_ = true;
        cv_.notify_all();
    }
}

size_t LayerStream::next(const void** data) {
    if (!pipeline_) {
        if (!current_) current_ = std::make_unique<Chunk>();
        if (!produce(*current_)) return 0;
        *data = current_->data.data();
        return current_->size;
    }
    std::unique_lock lk(mu_);
    if (current_) {
        empty_.push_back(std::move(current_));
        cv_.notify_all();
    }
    cv_.wait(lk, [&] { return !full_.empty() || producerDone_; });
    if (full_.empty()) {
        if (error_) std::rethrow_exception(error_);
        return 0;
    }
    current_ = std::move(full_.front());
    full_.pop_front();
    *data = current_->data.data();
    return current_->size;
}

void LayerStream::drain() {
    const void* p = nullptr;
    while (next(&p) > 0) {
    }
}

std::string LayerStream::digest() {
    if (digest_.empty()) digest_ = sha_.finish().str();
    return digest_;
}

}  // namespace berth::store
