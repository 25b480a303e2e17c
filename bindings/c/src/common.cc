// The shared conversions of internal.h, and vrrp.h's functions that belong to no handle:
// version, errors, time, addresses, names.
#include <time.h>

#include <cstring>
#include <string>

#include "fmt/format.h"
#include "internal.h"
#include "vrrp/action.h"
#include "vrrp/codec.h"
#include "vrrp/drop_reason.h"
#include "vrrp/pass_key.h"

namespace vrrp::c_abi {
namespace {

thread_local std::string last_error;

// The VRRP_* numbers are the C++ enums' values; these keep them from drifting apart.
static_assert(VRRP_STATE_MASTER == static_cast<int>(RouterState::kMaster));
static_assert(VRRP_STATE_FAULT == static_cast<int>(RouterState::kFault));
static_assert(VRRP_REASON_SYNC_GROUP == static_cast<int>(TransitionReason::kSyncGroup));
static_assert(VRRP_REASON_VIP_CONFLICT == static_cast<int>(TransitionReason::kVipConflict));
static_assert(VRRP_REASON_BLACK_HOLE == static_cast<int>(TransitionReason::kBlackHole));
static_assert(VRRP_DROP_CHECKSUM == static_cast<int>(DropReason::kChecksum));
static_assert(VRRP_DROP_VRID == static_cast<int>(DropReason::kVrid));
static_assert(VRRP_DROP_PEER == static_cast<int>(DropReason::kPeer));
// The AH reasons come after kPeer and are not in the C ABI: it offers no auth_type AH, so its
// routers never count them, and VRRP_DROP_COUNT (an array size in its structs) stays.
static_assert(VRRP_DROP_COUNT == static_cast<int>(DropReason::kPeer) + 1);
static_assert(VRRP_AUTH_PASS == static_cast<int>(AuthType::kPass));
static_assert(VRRP_FAMILY_IPV4 == static_cast<int>(Family::kIPv4));
static_assert(VRRP_FAMILY_IPV6 == static_cast<int>(Family::kIPv6));
static_assert(VRRP_MAX_ADVERTISEMENT_SIZE == kMaxAdvertisementSize);

}  // namespace

int Fail(int code, std::string message) {
  last_error = std::move(message);
  return code;
}

int Fail(const absl::Status& status) {
  int code = VRRP_ERR_INTERNAL;
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      code = VRRP_ERR_INVALID_ARGUMENT;
      break;
    case absl::StatusCode::kNotFound:
      code = VRRP_ERR_NOT_FOUND;
      break;
    case absl::StatusCode::kAlreadyExists:
      code = VRRP_ERR_EXISTS;
      break;
    case absl::StatusCode::kPermissionDenied:
      code = VRRP_ERR_PERMISSION;
      break;
    case absl::StatusCode::kFailedPrecondition:
      code = VRRP_ERR_STATE;
      break;
    case absl::StatusCode::kResourceExhausted:
      code = VRRP_ERR_NOBUF;
      break;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kDeadlineExceeded:
      code = VRRP_ERR_SYSTEM;
      break;
    default:
      break;
  }
  return Fail(code, std::string(status.message()));
}

int FailNull(std::string_view function, std::string_view what) {
  return Fail(VRRP_ERR_INVALID_ARGUMENT, fmt::format("{}: {} is NULL", function, what));
}

absl::Time ToTime(vrrp_tstamp t) {
  return t == VRRP_TSTAMP_MAX ? absl::InfiniteFuture() : absl::FromUnixNanos(t);
}

vrrp_tstamp ToTstamp(absl::Time t) {
  if (t == absl::InfiniteFuture()) return VRRP_TSTAMP_MAX;
  if (t == absl::InfinitePast()) return INT64_MIN;
  return absl::ToUnixNanos(t);
}

absl::Duration ToDuration(vrrp_tstamp ns) { return absl::Nanoseconds(ns); }

absl::StatusOr<IpAddress> ToAddress(const vrrp_addr& addr) {
  switch (addr.family) {
    case VRRP_FAMILY_IPV4:
      return IpAddress::FromV4Bytes(addr.bytes);
    case VRRP_FAMILY_IPV6:
      return IpAddress::FromV6Bytes(addr.bytes);
    case 0:
      return absl::InvalidArgumentError("address has no family (vrrp_addr.family is 0)");
    default:
      return absl::InvalidArgumentError(
          fmt::format("address family {} is not VRRP_FAMILY_IPV4 or _IPV6", addr.family));
  }
}

vrrp_addr ToCAddr(const IpAddress& address) {
  vrrp_addr out{};
  out.family = address.is_v4() ? VRRP_FAMILY_IPV4 : VRRP_FAMILY_IPV6;
  const absl::Span<const uint8_t> bytes = address.bytes();
  std::memcpy(out.bytes, bytes.data(), bytes.size());
  return out;
}

std::vector<vrrp_addr> ToCAddrs(absl::Span<const IpAddress> addresses) {
  std::vector<vrrp_addr> out;
  out.reserve(addresses.size());
  for (const IpAddress& a : addresses) out.push_back(ToCAddr(a));
  return out;
}

absl::StatusOr<RouterConfig> ToRouterConfig(const vrrp_router_config& c) {
  if (c.struct_version != VRRP_ROUTER_CONFIG_V1) {
    return absl::InvalidArgumentError(
        fmt::format("vrrp_router_config.struct_version is {}: call vrrp_router_config_init first",
                    c.struct_version));
  }
  RouterConfig config;
  config.vrid = c.vrid;
  switch (c.family) {
    case VRRP_FAMILY_IPV4:
      config.family = Family::kIPv4;
      break;
    case VRRP_FAMILY_IPV6:
      config.family = Family::kIPv6;
      break;
    default:
      return absl::InvalidArgumentError(
          fmt::format("family {} is not VRRP_FAMILY_IPV4 or _IPV6", c.family));
  }
  switch (c.version) {
    case 2:
      config.version = Version::kV2;
      break;
    case 3:
      config.version = Version::kV3;
      break;
    default:
      return absl::InvalidArgumentError(fmt::format("version {} is not 2 or 3", c.version));
  }
  config.priority = c.priority;
  config.advert_interval = Centiseconds(c.advert_interval_cs);
  if (c.n_virtual_addresses > 0 && c.virtual_addresses == nullptr) {
    return absl::InvalidArgumentError("virtual_addresses is NULL");
  }
  for (size_t i = 0; i < c.n_virtual_addresses; ++i) {
    absl::StatusOr<IpAddress> a = ToAddress(c.virtual_addresses[i]);
    if (!a.ok()) {
      return absl::InvalidArgumentError(
          fmt::format("virtual_addresses[{}]: {}", i, std::string(a.status().message())));
    }
    config.virtual_addresses.push_back(*a);
  }
  if (c.primary_address.family != 0) {
    absl::StatusOr<IpAddress> a = ToAddress(c.primary_address);
    if (!a.ok())
      return absl::InvalidArgumentError(
          fmt::format("primary_address: {}", std::string(a.status().message())));
    config.primary_address = *a;
  }
  config.preempt = c.preempt != 0;
  config.preempt_delay = ToDuration(c.preempt_delay);
  config.accept_mode = c.accept_mode != 0;
  config.down_timer_adverts = c.down_timer_adverts;
  config.garp_master_repeat = c.garp_master_repeat;
  config.garp_master_delay = ToDuration(c.garp_master_delay);
  config.garp_master_refresh = ToDuration(c.garp_master_refresh);
  config.garp_master_refresh_repeat = c.garp_master_refresh_repeat;
  switch (c.auth_type) {
    case VRRP_AUTH_NONE:
      break;
    case VRRP_AUTH_PASS: {
      config.auth_type = AuthType::kPass;
      const std::string_view pass = c.auth_pass == nullptr ? "" : c.auth_pass;
      if (pass.empty() || pass.size() > PassKey::kSize) {
        return absl::InvalidArgumentError(
            fmt::format("auth_pass must be 1..8 characters, not {}", pass.size()));
      }
      absl::StatusOr<PassKey> key = PassKey::Create(pass);
      if (!key.ok()) return key.status();
      config.pass_key = *key;
      break;
    }
    default:
      return absl::InvalidArgumentError(
          fmt::format("auth_type {} is not VRRP_AUTH_NONE or VRRP_AUTH_PASS", c.auth_type));
  }
  if (absl::Status s = ValidateRouterConfig(config); !s.ok()) return s;
  return config;
}

int WriteText(std::string_view text, char* buf, size_t len) {
  if (text.size() >= len) {
    return Fail(VRRP_ERR_NOBUF,
                fmt::format("the text needs {} bytes, the buffer has {}", text.size() + 1, len));
  }
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  return static_cast<int>(text.size());
}

int EventType(InstanceEvent::Kind kind) {
  switch (kind) {
    case InstanceEvent::Kind::kTransition:
      return VRRP_EVENT_TRANSITION;
    case InstanceEvent::Kind::kDrop:
      return VRRP_EVENT_DROP;
    case InstanceEvent::Kind::kAddressAdded:
      return VRRP_EVENT_ADDRESS_ADDED;
    case InstanceEvent::Kind::kAddressRemoved:
      return VRRP_EVENT_ADDRESS_REMOVED;
    case InstanceEvent::Kind::kAnnounced:
      return VRRP_EVENT_ANNOUNCED;
    case InstanceEvent::Kind::kSendFailed:
      return VRRP_EVENT_SEND_FAILED;
    case InstanceEvent::Kind::kSyncWaiting:
      return VRRP_EVENT_SYNC_WAITING;
    case InstanceEvent::Kind::kPriorityChanged:
      return VRRP_EVENT_PRIORITY_CHANGED;
    case InstanceEvent::Kind::kInterfaceWaiting:
      return VRRP_EVENT_INTERFACE_WAITING;
    case InstanceEvent::Kind::kVipConflict:
      return VRRP_EVENT_VIP_CONFLICT;
    case InstanceEvent::Kind::kBlackHole:
      return VRRP_EVENT_BLACK_HOLE;
  }
  return 0;
}

void FillEvent(const InstanceEvent& event, EventStorage& storage, vrrp_event* out) {
  *out = vrrp_event{};
  storage.instance = event.instance;
  storage.group.clear();
  storage.interface = event.address ? event.address->interface : std::string();
  storage.message = std::string(event.status.message());
  storage.text = DescribeEvent(event);
  out->type = EventType(event.kind);
  out->instance_id = ToInt(event.id);
  out->instance = storage.instance.c_str();
  out->group = storage.group.c_str();
  out->time = ToTstamp(event.time);
  out->from = static_cast<int>(event.transition.from);
  out->to = static_cast<int>(event.transition.to);
  out->reason = static_cast<int>(event.transition.reason);
  out->drop = static_cast<int>(event.drop);
  if (event.kind == InstanceEvent::Kind::kDrop || event.kind == InstanceEvent::Kind::kSendFailed ||
      event.kind == InstanceEvent::Kind::kBlackHole ||
      (event.kind == InstanceEvent::Kind::kVipConflict &&
       event.conflict == ConflictOutcome::kYielded)) {
    out->peer = ToCAddr(event.peer);
  }
  if (event.kind == InstanceEvent::Kind::kVipConflict) {
    storage.message = fmt::format("{}: {}", event.mac ? event.mac->ToString() : "?",
                                  ConflictOutcomeName(event.conflict));
  }
  if (event.address) {
    out->address = ToCAddr(event.address->address);
    out->prefix_len = event.address->prefix_len;
  }
  out->interface = storage.interface.c_str();
  out->count = event.count;
  out->previous = event.previous;
  out->error = 0;
  if (!event.status.ok()) {
    std::string keep = last_error;  // an event's failure is not a failure of this call
    out->error = Fail(event.status);
    last_error = std::move(keep);
  }
  out->message = storage.message.c_str();
  out->text = storage.text.c_str();
}

}  // namespace vrrp::c_abi

using vrrp::c_abi::Fail;

extern "C" {

const char* vrrp_version(void) { return "0.1.0"; }

const char* vrrp_strerror(int error) {
  switch (error) {
    case 0:
      return "success";
    case VRRP_ERR_INVALID_ARGUMENT:
      return "invalid argument";
    case VRRP_ERR_NOBUF:
      return "buffer too small";
    case VRRP_ERR_NOT_FOUND:
      return "not found";
    case VRRP_ERR_EXISTS:
      return "already exists";
    case VRRP_ERR_NOMEM:
      return "out of memory";
    case VRRP_ERR_CONFIG:
      return "configuration refused";
    case VRRP_ERR_PERMISSION:
      return "permission denied";
    case VRRP_ERR_SYSTEM:
      return "system call failed";
    case VRRP_ERR_STATE:
      return "not possible in this state";
    case VRRP_ERR_LIVELOCK:
      return "livelock in the simulated LAN";
    case VRRP_ERR_INTERNAL:
      return "internal error";
    default:
      return "unknown error";
  }
}

const char* vrrp_last_error(void) { return vrrp::c_abi::last_error.c_str(); }

vrrp_tstamp vrrp_now(void) {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<vrrp_tstamp>(ts.tv_sec) * VRRP_NS_PER_S + ts.tv_nsec;
}

int vrrp_addr_parse(const char* text, vrrp_addr* out) {
  if (text == nullptr) return vrrp::c_abi::FailNull("vrrp_addr_parse", "text");
  if (out == nullptr) return vrrp::c_abi::FailNull("vrrp_addr_parse", "out");
  absl::StatusOr<vrrp::IpAddress> a = vrrp::IpAddress::Parse(text);
  if (!a.ok()) return Fail(a.status());
  *out = vrrp::c_abi::ToCAddr(*a);
  return 0;
}

int vrrp_addr_format(const vrrp_addr* addr, char* buf, size_t len) {
  if (addr == nullptr) return vrrp::c_abi::FailNull("vrrp_addr_format", "addr");
  absl::StatusOr<vrrp::IpAddress> a = vrrp::c_abi::ToAddress(*addr);
  if (!a.ok()) return Fail(a.status());
  return vrrp::c_abi::WriteText(a->ToString(), buf, len);
}

const char* vrrp_state_name(int state) {
  if (state < VRRP_STATE_INIT || state > VRRP_STATE_FAULT) return "unknown";
  return vrrp::RouterStateName(static_cast<vrrp::RouterState>(state)).data();
}

const char* vrrp_reason_name(int reason) {
  if (reason < VRRP_REASON_NONE || reason > VRRP_REASON_BLACK_HOLE) return "unknown";
  return vrrp::TransitionReasonName(static_cast<vrrp::TransitionReason>(reason)).data();
}

const char* vrrp_drop_name(int drop) {
  if (drop < VRRP_DROP_NONE || drop >= VRRP_DROP_COUNT) return "unknown";
  return vrrp::DropReasonName(static_cast<vrrp::DropReason>(drop)).data();
}

}  // extern "C"
