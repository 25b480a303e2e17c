#include "vrrp/linux/advert_offload.h"

#include <linux/bpf.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "fmt/format.h"
#include "vrrp/ip_packet.h"
#include "vrrp/linux/sys_error.h"

namespace vrrp::os {

// The map's value, one per VRID. The filter reads seq, size, pass_every_ns and image and writes
// passed_ns, absorbed_ns and absorbed; user space writes the first four (seq odd meanwhile) and
// reads the others. 8-byte aligned fields: each read or write of one is whole on x86-64 and
// arm64, which is all the sharing needs besides seq.
struct AdvertOffload::Slot {
  uint32_t seq;   // odd while user space rewrites the slot: the filter passes everything then
  uint32_t size;  // image bytes compared; 0: disarmed
  uint64_t pass_every_ns;
  uint64_t passed_ns;    // monotonic arrival of the last repeat passed up (or the Arm)
  uint64_t absorbed_ns;  // monotonic arrival of the last repeat absorbed
  uint64_t absorbed;     // repeats absorbed, since Attach
  uint8_t image[kMaxImage];
};

namespace {

constexpr uint32_t kSlots = 256;  // by VRID

// Offsets in the slot, as the filter addresses them.
constexpr int16_t kSeq = 0;
constexpr int16_t kSize = 4;
constexpr int16_t kPassEvery = 8;
constexpr int16_t kPassed = 16;
constexpr int16_t kAbsorbedNs = 24;
constexpr int16_t kAbsorbed = 32;
constexpr int16_t kImage = 40;

// The network header the image starts with: a whole IPv4 header without options, or IPv6's
// fixed one (options or extension headers change the image: such a packet never matches).
size_t HeaderSize(Family family) {
  return family == Family::kIPv6 ? kIpv6HeaderSize : kIpv4HeaderSize;
}

long Bpf(int cmd, bpf_attr& attr) { return syscall(__NR_bpf, cmd, &attr, sizeof(attr)); }

// A failed bpf(2): without CAP_BPF it is EPERM, and the operator is told which capability to
// grant, as for CAP_NET_RAW (raw_socket.cc).
absl::Status BpfError(std::string_view call, int error) {
  absl::Status status = SysError(call, "advert offload", error);
  if (error != EPERM && error != EACCES) return status;
  return absl::PermissionDeniedError(
      fmt::format("{} (the advertisement filter needs CAP_BPF and the bpf system call)",
                  std::string(status.message())));
}

// A few eBPF instructions, as the kernel's own samples spell them (include/linux/filter.h).
bpf_insn Insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
  bpf_insn i{};
  i.code = code;
  i.dst_reg = dst & 0xf;
  i.src_reg = src & 0xf;
  i.off = off;
  i.imm = imm;
  return i;
}
bpf_insn MovReg(uint8_t dst, uint8_t src) {
  return Insn(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0);
}
bpf_insn MovImm(uint8_t dst, int32_t imm) {
  return Insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm);
}
bpf_insn AddImm(uint8_t dst, int32_t imm) {
  return Insn(BPF_ALU64 | BPF_ADD | BPF_K, dst, 0, 0, imm);
}
bpf_insn SubReg(uint8_t dst, uint8_t src) {
  return Insn(BPF_ALU64 | BPF_SUB | BPF_X, dst, src, 0, 0);
}
bpf_insn AndImm(uint8_t dst, int32_t imm) {
  return Insn(BPF_ALU64 | BPF_AND | BPF_K, dst, 0, 0, imm);
}
bpf_insn Load(uint8_t size, uint8_t dst, uint8_t src, int16_t off) {
  return Insn(BPF_LDX | size | BPF_MEM, dst, src, off, 0);
}
bpf_insn Store(uint8_t size, uint8_t dst, uint8_t src, int16_t off) {
  return Insn(BPF_STX | size | BPF_MEM, dst, src, off, 0);
}
bpf_insn StoreImm(uint8_t size, uint8_t dst, int16_t off, int32_t imm) {
  return Insn(BPF_ST | size | BPF_MEM, dst, 0, off, imm);
}
bpf_insn AtomicAdd(uint8_t dst, uint8_t src, int16_t off) {
  return Insn(BPF_STX | BPF_DW | BPF_ATOMIC, dst, src, off, BPF_ADD);
}
bpf_insn Call(int32_t helper) { return Insn(BPF_JMP | BPF_CALL, 0, 0, 0, helper); }
bpf_insn Exit() { return Insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }

// Jumps to a label resolved once the program is written: `off` is filled in by Program::Bind.
enum Label { kPass, kPassMark, kLabels };

class Program {
 public:
  void Emit(bpf_insn i) { insns_.push_back(i); }
  void JumpImm(uint8_t op, uint8_t reg, int32_t imm, Label to) {
    fixups_.push_back({insns_.size(), to});
    Emit(Insn(BPF_JMP | op | BPF_K, reg, 0, 0, imm));
  }
  void JumpReg(uint8_t op, uint8_t dst, uint8_t src, Label to) {
    fixups_.push_back({insns_.size(), to});
    Emit(Insn(BPF_JMP | op | BPF_X, dst, src, 0, 0));
  }
  void LoadMapFd(uint8_t dst, int fd) {
    Emit(Insn(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_FD, 0, fd));
    Emit(Insn(0, 0, 0, 0, 0));
  }
  void Bind(Label label) { labels_[label] = insns_.size(); }
  std::vector<bpf_insn> Finish() {
    for (const auto& [at, to] : fixups_) {
      insns_[at].off = static_cast<int16_t>(labels_[to] - at - 1);
    }
    return std::move(insns_);
  }

 private:
  struct Fixup {
    size_t at;
    Label to;
  };
  std::vector<bpf_insn> insns_;
  std::vector<Fixup> fixups_;
  size_t labels_[kLabels] = {};
};

// The filter. r6: the packet (ctx); r7: the VRID's slot; r8: the image size; r9: the slot's seq.
// Stack: [fp-4] the map key, [fp-8] the VRID byte, [fp-8-kMaxImage, fp-8) the packet's image.
std::vector<bpf_insn> FilterProgram(int map_fd, Family family) {
  const bool v6 = family == Family::kIPv6;
  const int header = static_cast<int>(HeaderSize(family));
  constexpr int16_t kBuf = -8 - static_cast<int16_t>(AdvertOffload::kMaxImage);
  Program p;
  p.Emit(MovReg(BPF_REG_6, BPF_REG_1));
  // The VRID, from the network header on: IPv6 raw sockets see the packet without its header.
  p.Emit(MovReg(BPF_REG_1, BPF_REG_6));
  p.Emit(MovImm(BPF_REG_2, header + 1));
  p.Emit(MovReg(BPF_REG_3, BPF_REG_10));
  p.Emit(AddImm(BPF_REG_3, -8));
  p.Emit(MovImm(BPF_REG_4, 1));
  p.Emit(MovImm(BPF_REG_5, BPF_HDR_START_NET));
  p.Emit(Call(BPF_FUNC_skb_load_bytes_relative));
  p.JumpImm(BPF_JNE, BPF_REG_0, 0, kPass);
  p.Emit(Load(BPF_B, BPF_REG_1, BPF_REG_10, -8));
  p.Emit(Store(BPF_W, BPF_REG_10, BPF_REG_1, -4));
  p.LoadMapFd(BPF_REG_1, map_fd);
  p.Emit(MovReg(BPF_REG_2, BPF_REG_10));
  p.Emit(AddImm(BPF_REG_2, -4));
  p.Emit(Call(BPF_FUNC_map_lookup_elem));
  p.JumpImm(BPF_JEQ, BPF_REG_0, 0, kPass);
  p.Emit(MovReg(BPF_REG_7, BPF_REG_0));
  // Armed and not being rewritten.
  p.Emit(Load(BPF_W, BPF_REG_9, BPF_REG_7, kSeq));
  p.Emit(MovReg(BPF_REG_1, BPF_REG_9));
  p.Emit(AndImm(BPF_REG_1, 1));
  p.JumpImm(BPF_JNE, BPF_REG_1, 0, kPass);
  p.Emit(Load(BPF_W, BPF_REG_8, BPF_REG_7, kSize));
  p.JumpImm(BPF_JEQ, BPF_REG_8, 0, kPass);
  p.JumpImm(BPF_JGT, BPF_REG_8, static_cast<int32_t>(AdvertOffload::kMaxImage), kPass);
  // The packet's first `size` bytes into a zeroed buffer (the image is zero-padded alike); a
  // shorter packet fails the load and passes.
  for (int off = 0; off < static_cast<int>(AdvertOffload::kMaxImage); off += 8) {
    p.Emit(StoreImm(BPF_DW, BPF_REG_10, static_cast<int16_t>(kBuf + off), 0));
  }
  p.Emit(MovReg(BPF_REG_1, BPF_REG_6));
  p.Emit(MovImm(BPF_REG_2, 0));
  p.Emit(MovReg(BPF_REG_3, BPF_REG_10));
  p.Emit(AddImm(BPF_REG_3, kBuf));
  p.Emit(MovReg(BPF_REG_4, BPF_REG_8));
  p.Emit(MovImm(BPF_REG_5, BPF_HDR_START_NET));
  p.Emit(Call(BPF_FUNC_skb_load_bytes_relative));
  p.JumpImm(BPF_JNE, BPF_REG_0, 0, kPass);
  // The fields ImageOf zeroes.
  if (v6) {
    p.Emit(StoreImm(BPF_W, BPF_REG_10, kBuf, 0));  // version, traffic class, flow label
  } else {
    p.Emit(StoreImm(BPF_B, BPF_REG_10, kBuf + 1, 0));   // TOS
    p.Emit(StoreImm(BPF_W, BPF_REG_10, kBuf + 4, 0));   // ID, flags, fragment offset
    p.Emit(StoreImm(BPF_H, BPF_REG_10, kBuf + 10, 0));  // header checksum
  }
  for (int off = 0; off < static_cast<int>(AdvertOffload::kMaxImage); off += 8) {
    p.Emit(Load(BPF_DW, BPF_REG_1, BPF_REG_10, static_cast<int16_t>(kBuf + off)));
    p.Emit(Load(BPF_DW, BPF_REG_2, BPF_REG_7, static_cast<int16_t>(kImage + off)));
    p.JumpReg(BPF_JNE, BPF_REG_1, BPF_REG_2, kPass);
  }
  // Rewritten while we compared: what we compared against may be half of each.
  p.Emit(Load(BPF_W, BPF_REG_1, BPF_REG_7, kSeq));
  p.JumpReg(BPF_JNE, BPF_REG_1, BPF_REG_9, kPass);
  // A repeat. Up when pass_every has gone by since the last one up, else timed, counted, dropped.
  p.Emit(Call(BPF_FUNC_ktime_get_ns));
  p.Emit(Load(BPF_DW, BPF_REG_1, BPF_REG_7, kPassed));
  p.Emit(MovReg(BPF_REG_2, BPF_REG_0));
  p.Emit(SubReg(BPF_REG_2, BPF_REG_1));
  p.Emit(Load(BPF_DW, BPF_REG_1, BPF_REG_7, kPassEvery));
  p.JumpReg(BPF_JGE, BPF_REG_2, BPF_REG_1, kPassMark);
  p.Emit(Store(BPF_DW, BPF_REG_7, BPF_REG_0, kAbsorbedNs));
  p.Emit(MovImm(BPF_REG_1, 1));
  p.Emit(AtomicAdd(BPF_REG_7, BPF_REG_1, kAbsorbed));
  p.Emit(MovImm(BPF_REG_0, 0));  // socket filter: keep 0 bytes, i.e. drop
  p.Emit(Exit());
  p.Bind(kPassMark);
  p.Emit(Store(BPF_DW, BPF_REG_7, BPF_REG_0, kPassed));
  p.Bind(kPass);
  p.Emit(MovImm(BPF_REG_0, -1));  // keep the whole packet
  p.Emit(Exit());
  return p.Finish();
}

uint64_t MonotonicNs(absl::Time t) {
  return static_cast<uint64_t>(absl::ToInt64Nanoseconds(t - absl::UnixEpoch()));
}

void Put16(uint8_t* at, size_t value) {
  at[0] = static_cast<uint8_t>(value >> 8);
  at[1] = static_cast<uint8_t>(value);
}

}  // namespace

absl::StatusOr<std::unique_ptr<AdvertOffload>> AdvertOffload::Attach(int socket_fd, Family family) {
  // The filter addresses the slot by these offsets.
  static_assert(offsetof(Slot, seq) == kSeq && offsetof(Slot, size) == kSize);
  static_assert(offsetof(Slot, pass_every_ns) == kPassEvery &&
                offsetof(Slot, passed_ns) == kPassed);
  static_assert(offsetof(Slot, absorbed_ns) == kAbsorbedNs &&
                offsetof(Slot, absorbed) == kAbsorbed);
  static_assert(offsetof(Slot, image) == kImage && sizeof(Slot) % 8 == 0);
  // Not a socket (a test's fake): say so before creating anything in the kernel.
  int type = 0;
  socklen_t type_size = sizeof(type);
  if (getsockopt(socket_fd, SOL_SOCKET, SO_TYPE, &type, &type_size) < 0) {
    return SysError("getsockopt(SO_TYPE)", fmt::format("socket {}", socket_fd));
  }
  bpf_attr map_attr{};
  map_attr.map_type = BPF_MAP_TYPE_ARRAY;
  map_attr.key_size = sizeof(uint32_t);
  map_attr.value_size = sizeof(Slot);
  map_attr.max_entries = kSlots;
  map_attr.map_flags = BPF_F_MMAPABLE;
  UniqueFd map(static_cast<int>(Bpf(BPF_MAP_CREATE, map_attr)));
  if (!map.valid()) return BpfError("bpf(BPF_MAP_CREATE, mmap-able array)", errno);

  const std::vector<bpf_insn> insns = FilterProgram(map.get(), family);
  static constexpr char kLicense[] = "GPL";  // helpers such as ktime_get_ns need none, but say it
  std::string log(16384, '\0');
  bpf_attr prog_attr{};
  prog_attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
  prog_attr.insns = reinterpret_cast<uint64_t>(insns.data());
  prog_attr.insn_cnt = static_cast<uint32_t>(insns.size());
  prog_attr.license = reinterpret_cast<uint64_t>(kLicense);
  prog_attr.log_buf = reinterpret_cast<uint64_t>(log.data());
  prog_attr.log_size = static_cast<uint32_t>(log.size());
  prog_attr.log_level = 1;
  UniqueFd program(static_cast<int>(Bpf(BPF_PROG_LOAD, prog_attr)));
  if (!program.valid()) {
    const int error = errno;
    log.resize(std::strlen(log.c_str()));
    // The verifier's last lines say what it refused; the rest is its trace.
    if (log.size() > 600) log = "..." + log.substr(log.size() - 600);
    return BpfError(fmt::format("bpf(BPF_PROG_LOAD) [verifier: {}]", log), error);
  }
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t bytes = (sizeof(Slot) * kSlots + page - 1) / page * page;
  void* mapped = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, map.get(), 0);
  if (mapped == MAP_FAILED) return SysError("mmap", "advert offload map");
  std::unique_ptr<AdvertOffload> offload(
      new AdvertOffload(std::move(map), std::move(program), static_cast<Slot*>(mapped), bytes));
  const int prog_fd = offload->program_.get();
  if (setsockopt(socket_fd, SOL_SOCKET, SO_ATTACH_BPF, &prog_fd, sizeof(prog_fd)) < 0) {
    return SysError("setsockopt(SO_ATTACH_BPF)", fmt::format("socket {}", socket_fd));
  }
  return offload;
}

AdvertOffload::AdvertOffload(UniqueFd map, UniqueFd program, Slot* slots, size_t mapped_bytes)
    : map_(std::move(map)),
      program_(std::move(program)),
      slots_(slots),
      mapped_bytes_(mapped_bytes) {}

AdvertOffload::~AdvertOffload() { munmap(slots_, mapped_bytes_); }

AdvertOffload::Slot& AdvertOffload::slot(uint8_t vrid) const { return slots_[vrid]; }

std::optional<AdvertOffload::Image> AdvertOffload::ImageOf(absl::Span<const uint8_t> payload,
                                                           const ReceiveInfo& info) {
  if (info.protocol != kIpProtocolVrrp) return std::nullopt;
  const bool v6 = info.source.is_v6();
  const size_t header = HeaderSize(info.source.family());
  if (header + payload.size() > kMaxImage) return std::nullopt;
  Image image;
  uint8_t* b = image.bytes.data();
  if (v6) {
    Put16(b + 4, payload.size());
    b[6] = kIpProtocolVrrp;
    b[7] = info.ttl;
    std::memcpy(b + 8, info.source.bytes().data(), 16);
    std::memcpy(b + 24, info.destination.bytes().data(), 16);
  } else {
    b[0] = 0x45;  // version 4, no options
    Put16(b + 2, header + payload.size());
    b[8] = info.ttl;
    b[9] = kIpProtocolVrrp;
    std::memcpy(b + 12, info.source.bytes().data(), 4);
    std::memcpy(b + 16, info.destination.bytes().data(), 4);
  }
  std::memcpy(b + header, payload.data(), payload.size());
  image.size = header + payload.size();
  return image;
}

void AdvertOffload::Arm(uint8_t vrid, const Image& image, absl::Duration pass_every,
                        absl::Time now) {
  Slot& s = slot(vrid);
  const uint64_t every = static_cast<uint64_t>(absl::ToInt64Nanoseconds(pass_every));
  if (s.size == image.size && std::memcmp(s.image, image.bytes.data(), kMaxImage) == 0) {
    s.pass_every_ns = every;  // one 8-byte store: the filter sees the old or the new value
    return;
  }
  __atomic_fetch_add(&s.seq, 1, __ATOMIC_ACQ_REL);  // odd: the filter passes everything
  s.size = static_cast<uint32_t>(image.size);
  std::memcpy(s.image, image.bytes.data(), kMaxImage);
  s.pass_every_ns = every;
  s.passed_ns = MonotonicNs(now);
  taken_ns_[vrid] = s.absorbed_ns;  // absorbed before: repeats of another packet
  __atomic_fetch_add(&s.seq, 1, __ATOMIC_RELEASE);
}

void AdvertOffload::Disarm(uint8_t vrid) {
  Slot& s = slot(vrid);
  if (s.size == 0) return;
  __atomic_fetch_add(&s.seq, 1, __ATOMIC_ACQ_REL);
  s.size = 0;
  __atomic_fetch_add(&s.seq, 1, __ATOMIC_RELEASE);
}

bool AdvertOffload::armed(uint8_t vrid) const { return slot(vrid).size != 0; }

AdvertOffload::Repeats AdvertOffload::Take(uint8_t vrid) {
  const Slot& s = slot(vrid);
  Repeats r;
  const uint64_t absorbed = __atomic_load_n(&s.absorbed, __ATOMIC_RELAXED);
  r.count = absorbed - taken_count_[vrid];
  taken_count_[vrid] = absorbed;
  const uint64_t at = __atomic_load_n(&s.absorbed_ns, __ATOMIC_RELAXED);
  if (at > taken_ns_[vrid]) {
    r.last_absorbed = absl::UnixEpoch() + absl::Nanoseconds(static_cast<int64_t>(at));
    taken_ns_[vrid] = at;
  }
  return r;
}

uint64_t AdvertOffload::absorbed_total() const {
  uint64_t total = 0;
  for (uint32_t v = 0; v < kSlots; ++v) {
    total += __atomic_load_n(&slots_[v].absorbed, __ATOMIC_RELAXED);
  }
  return total;
}

}  // namespace vrrp::os
