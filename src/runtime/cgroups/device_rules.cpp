#include "runtime/cgroups/device_rules.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace berth::runtime::cgroups {
namespace {

using oci::DeviceRule;

bool isReset(const DeviceRule& r) {
    return r.type == 'a' && r.major == -1 && r.minor == -1 &&
           std::all_of(std::begin("rwm"), std::end("rwm") - 1,
                       [&](char c) { return r.access.find(c) != std::string::npos; });
}

uint32_t accessBits(const std::string& access) {
    uint32_t bits = 0;
    for (char c : access) {
        if (c == 'm') bits |= BPF_DEVCG_ACC_MKNOD;
        if (c == 'r') bits |= BPF_DEVCG_ACC_READ;
        if (c == 'w') bits |= BPF_DEVCG_ACC_WRITE;
    }
    return bits;
}

constexpr uint32_t kAllAccess = BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;

// The handful of eBPF encodings the filter needs (uapi has the opcodes, not the macros).
bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
    bpf_insn i{};
    i.code = code;
    i.dst_reg = dst & 0xf;
    i.src_reg = src & 0xf;
    i.off = off;
    i.imm = imm;
    return i;
}
bpf_insn loadCtxWord(uint8_t dst, int16_t off) {
    return insn(BPF_LDX | BPF_MEM | BPF_W, dst, BPF_REG_1, off, 0);
}
bpf_insn aluImm(uint8_t op, uint8_t dst, int32_t imm) {
    return insn(BPF_ALU64 | op | BPF_K, dst, 0, 0, imm);
}
bpf_insn movReg(uint8_t dst, uint8_t src) {
    return insn(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0);
}
bpf_insn jumpImm(uint8_t op, uint8_t dst, int32_t imm, int16_t off) {
    return insn(BPF_JMP | op | BPF_K, dst, 0, off, imm);
}
bpf_insn exitInsn() {
    return insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

}  // namespace

std::vector<DeviceRule> containerDeviceRules(const std::vector<DeviceRule>& specRules,
                                             const std::vector<oci::Device>& linuxDevices) {
    std::vector<DeviceRule> out = specRules;
    for (auto& d : linuxDevices) {
        if (d.type == "p") continue;  // a FIFO is not a device node the cgroup controls
        char type = d.type == "b" ? 'b' : 'c';
        // A node the spec's rules name keeps their access (docker --device /dev/x:/dev/x:r is
        // read-only, as with runc); one they don't name is usable, or listing it would be moot.
        bool named = false;
        for (auto& r : specRules)
            named = named || (r.type == type && r.major == d.major && r.minor == d.minor);
        if (!named) out.push_back(DeviceRule{true, type, d.major, d.minor, "rwm"});
    }
    // runc's specconv.AllowedDevices: mknod of anything, and the standard nodes.
    // {allow, type, major, minor, access}
    const DeviceRule defaults[] = {
        {true, 'c', -1, -1, "m"},     // mknod of any char device
        {true, 'b', -1, -1, "m"},     // and of any block device
        {true, 'c', 1, 3, "rwm"},     // /dev/null
        {true, 'c', 1, 8, "rwm"},     // /dev/random
        {true, 'c', 1, 7, "rwm"},     // /dev/full
        {true, 'c', 5, 0, "rwm"},     // /dev/tty
        {true, 'c', 1, 5, "rwm"},     // /dev/zero
        {true, 'c', 1, 9, "rwm"},     // /dev/urandom
        {true, 'c', 5, 1, "rwm"},     // /dev/console
        {true, 'c', 136, -1, "rwm"},  // /dev/pts/*
        {true, 'c', 5, 2, "rwm"},     // /dev/ptmx
        {true, 'c', 10, 200, "rwm"},  // /dev/net/tun
    };
    out.insert(out.end(), std::begin(defaults), std::end(defaults));
    return out;
}

std::string v1DeviceRuleString(const DeviceRule& r) {
    auto num = [](int64_t v) { return v < 0 ? std::string("*") : std::to_string(v); };
    return std::string(1, r.type) + " " + num(r.major) + ":" + num(r.minor) + " " +
           (r.access.empty() ? "rwm" : r.access);
}

std::vector<bpf_insn> deviceFilterProgram(const std::vector<DeviceRule>& rules) {
    // Start after the last reset rule; it sets the default.
    size_t first = 0;
    bool defaultAllow = true;
    for (size_t i = 0; i < rules.size(); ++i)
        if (isReset(rules[i])) {
            first = i + 1;
            defaultAllow = rules[i].allow;
        }

    std::vector<bpf_insn> prog = {
        loadCtxWord(BPF_REG_2, 0),           // r2 = access_type
        aluImm(BPF_AND, BPF_REG_2, 0xffff),  // r2 = device type
        loadCtxWord(BPF_REG_3, 0),           //
        aluImm(BPF_RSH, BPF_REG_3, 16),      // r3 = requested access bits
        loadCtxWord(BPF_REG_4, 4),           // r4 = major
        loadCtxWord(BPF_REG_5, 8),           // r5 = minor
    };
    // Last matching rule wins: test from the end backwards, the first hit decides.
    for (size_t i = rules.size(); i-- > first;) {
        const DeviceRule& r = rules[i];
        uint32_t bits = accessBits(r.access);
        if (bits == 0) continue;  // grants or denies nothing
        std::vector<bpf_insn> block;
        std::vector<size_t> skips;  // jumps to patch to the end of this block
        if (r.type != 'a') {
            int32_t t = r.type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;
            skips.push_back(block.size());
            block.push_back(jumpImm(BPF_JNE, BPF_REG_2, t, 0));
        }
        if (bits != kAllAccess) {
            block.push_back(movReg(BPF_REG_1, BPF_REG_3));
            if (r.allow) {
                // allow matches when every requested bit is granted
                block.push_back(aluImm(BPF_AND, BPF_REG_1, int32_t(~bits & kAllAccess)));
                skips.push_back(block.size());
                block.push_back(jumpImm(BPF_JNE, BPF_REG_1, 0, 0));
            } else {
                // deny matches when any requested bit is denied
                block.push_back(aluImm(BPF_AND, BPF_REG_1, int32_t(bits)));
                skips.push_back(block.size());
                block.push_back(jumpImm(BPF_JEQ, BPF_REG_1, 0, 0));
            }
        }
        if (r.major >= 0) {
            skips.push_back(block.size());
            block.push_back(jumpImm(BPF_JNE, BPF_REG_4, int32_t(r.major), 0));
        }
        if (r.minor >= 0) {
            skips.push_back(block.size());
            block.push_back(jumpImm(BPF_JNE, BPF_REG_5, int32_t(r.minor), 0));
        }
        block.push_back(aluImm(BPF_MOV, BPF_REG_0, r.allow ? 1 : 0));
        block.push_back(exitInsn());
        for (size_t s : skips) block[s].off = int16_t(block.size() - s - 1);
        prog.insert(prog.end(), block.begin(), block.end());
    }
    prog.push_back(aluImm(BPF_MOV, BPF_REG_0, defaultAllow ? 1 : 0));
    prog.push_back(exitInsn());
    return prog;
}

bool evaluateDeviceFilter(const std::vector<bpf_insn>& prog, char type, uint32_t major,
                          uint32_t minor, const std::string& access) {
    uint32_t ctx[3] = {(accessBits(access) << 16) |
                           uint32_t(type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR),
                       major, minor};
    uint64_t reg[11] = {};
    for (size_t pc = 0; pc < prog.size(); ++pc) {
        const bpf_insn& i = prog[pc];
        switch (i.code) {
            case BPF_LDX | BPF_MEM | BPF_W:
                reg[i.dst_reg] = ctx[i.off / 4];
                break;
            case BPF_ALU64 | BPF_AND | BPF_K:
                reg[i.dst_reg] &= uint64_t(int64_t(i.imm));
                break;
            case BPF_ALU64 | BPF_RSH | BPF_K:
                reg[i.dst_reg] >>= i.imm;
                break;
            case BPF_ALU64 | BPF_MOV | BPF_X:
                reg[i.dst_reg] = reg[i.src_reg];
                break;
            case BPF_ALU64 | BPF_MOV | BPF_K:
                reg[i.dst_reg] = uint64_t(int64_t(i.imm));
                break;
            case BPF_JMP | BPF_JNE | BPF_K:
                if (reg[i.dst_reg] != uint64_t(int64_t(i.imm))) pc += i.off;
                break;
            case BPF_JMP | BPF_JEQ | BPF_K:
                if (reg[i.dst_reg] == uint64_t(int64_t(i.imm))) pc += i.off;
                break;
            case BPF_JMP | BPF_EXIT:
                return reg[0] != 0;
            default:
                throw Error("device filter: unexpected instruction " + std::to_string(i.code));
        }
    }
    throw Error("device filter: fell off the end of the program");
}

}  // namespace berth::runtime::cgroups
