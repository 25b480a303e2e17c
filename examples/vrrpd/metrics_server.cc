#include "metrics_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <utility>

#include "fmt/format.h"
#include "vrrp/linux/shared_library.h"

namespace vrrpd {
namespace {

// libmicrohttpd, loaded by the first Start() (--metrics) rather than at start-up: with gnutls
// and p11-kit under it, it is 2.3 MB of resident pages that a vrrpd without --metrics never
// needs (vrrp/linux/shared_library.h). The functions used here, with the header's own types.
struct MhdApi {
  decltype(&MHD_start_daemon) start_daemon = nullptr;
  decltype(&MHD_stop_daemon) stop_daemon = nullptr;
  decltype(&MHD_create_response_from_buffer) response_from_buffer = nullptr;
  decltype(&MHD_create_response_from_buffer_with_free_callback_cls) response_with_free = nullptr;
  decltype(&MHD_add_response_header) add_header = nullptr;
  decltype(&MHD_queue_response) queue_response = nullptr;
  decltype(&MHD_destroy_response) destroy_response = nullptr;
};

absl::StatusOr<MhdApi> LoadMhdApi() {
  absl::StatusOr<vrrp::os::SharedLibrary> lib =
      vrrp::os::SharedLibrary::Open("libmicrohttpd.so.12", "--metrics", "libmicrohttpd12");
  if (!lib.ok()) return lib.status();
  MhdApi api;
  for (absl::Status s :
       {lib->Bind("MHD_start_daemon", api.start_daemon),
        lib->Bind("MHD_stop_daemon", api.stop_daemon),
        lib->Bind("MHD_create_response_from_buffer", api.response_from_buffer),
        lib->Bind("MHD_create_response_from_buffer_with_free_callback_cls", api.response_with_free),
        lib->Bind("MHD_add_response_header", api.add_header),
        lib->Bind("MHD_queue_response", api.queue_response),
        lib->Bind("MHD_destroy_response", api.destroy_response)}) {
    if (!s.ok()) return s;
  }
  return api;
}

const absl::StatusOr<MhdApi>& Mhd() {
  static const absl::StatusOr<MhdApi> api = LoadMhdApi();  // once per process, thread-safe
  return api;
}

}  // namespace

// libmicrohttpd 0.9.75 picked over civetweb (also in Debian): a C library with no threads of its
// own beyond the one polling thread asked for here, connection limits and idle timeouts as
// plain options, and a response that can point at our buffer without a copy.
struct MetricsHandler {
  static MHD_Result Answer(void* cls, MHD_Connection* connection, const char* url,
                           const char* method, const char* /*version*/, const char* /*upload_data*/,
                           size_t* /*upload_data_size*/, void** /*request*/) {
    auto* server = static_cast<MetricsServer*>(cls);
    const std::string_view m = method;
    if (m != MHD_HTTP_METHOD_GET && m != MHD_HTTP_METHOD_HEAD) {
      return Text(connection, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n", "Allow",
                  "GET, HEAD");
    }
    if (std::string_view(url) != "/metrics") {
      return Text(connection, MHD_HTTP_NOT_FOUND, "the metrics are at /metrics\n");
    }
    std::shared_ptr<const std::string> body = server->Rendered();
    if (!body) return Text(connection, MHD_HTTP_SERVICE_UNAVAILABLE, "no snapshot yet\n");
    // The response points into the rendered text, which a copy of the shared pointer keeps
    // alive until libmicrohttpd has sent it (even if newer snapshots replace it meanwhile).
    auto* keep = new std::shared_ptr<const std::string>(body);
    const MhdApi& mhd = *Mhd();  // loaded: the server runs
    MHD_Response* response = mhd.response_with_free(
        body->size(), const_cast<char*>(body->data()),
        [](void* kept) { delete static_cast<std::shared_ptr<const std::string>*>(kept); }, keep);
    if (response == nullptr) {
      delete keep;
      return MHD_NO;  // out of memory: libmicrohttpd closes the connection
    }
    mhd.add_header(response, MHD_HTTP_HEADER_CONTENT_TYPE,
                   std::string(vrrp::kPrometheusContentType).c_str());
    const MHD_Result result = mhd.queue_response(connection, MHD_HTTP_OK, response);
    mhd.destroy_response(response);
    return result;
  }

  static MHD_Result Text(MHD_Connection* connection, unsigned status, std::string_view text,
                         const char* header = nullptr, const char* value = nullptr) {
    const MhdApi& mhd = *Mhd();
    MHD_Response* response = mhd.response_from_buffer(text.size(), const_cast<char*>(text.data()),
                                                      MHD_RESPMEM_MUST_COPY);
    if (response == nullptr) return MHD_NO;
    mhd.add_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
    if (header != nullptr) mhd.add_header(response, header, value);
    const MHD_Result result = mhd.queue_response(connection, status, response);
    mhd.destroy_response(response);
    return result;
  }
};

absl::StatusOr<ListenAddress> ParseListenAddress(std::string_view text) {
  auto error = [&](std::string_view why) {
    return absl::InvalidArgumentError(fmt::format(
        "'{}' is not ADDRESS:PORT ({}); e.g. 192.0.2.5:9650 or [2001:db8::5]:9650", text, why));
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return error("no port");
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (!host.empty() && host.front() == '[') {
    if (host.size() < 2 || host.back() != ']') return error("no ']' after an IPv6 address");
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return error("an IPv6 address goes in brackets");
  }
  if (host.empty()) return error("no address");
  auto address = vrrp::IpAddress::Parse(host);
  if (!address.ok()) return error(fmt::format("bad address '{}'", host));
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return error(fmt::format("bad port '{}'", port_text));
  }
  return ListenAddress{*address, static_cast<uint16_t>(port)};
}

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(const ListenAddress& listen) {
  const absl::StatusOr<MhdApi>& mhd = Mhd();
  if (!mhd.ok())
    return absl::Status(mhd.status().code(),
                        fmt::format("metrics: {}", std::string(mhd.status().message())));
  const bool v4 = listen.address.family() == vrrp::Family::kIPv4;
  const std::string where = v4 ? fmt::format("{}:{}", listen.address.ToString(), listen.port)
                               : fmt::format("[{}]:{}", listen.address.ToString(), listen.port);
  // Our own socket, so that a failure says which address and why (libmicrohttpd only returns
  // NULL). Non-blocking: its epoll thread accepts until EAGAIN.
  const int fd = ::socket(v4 ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(fmt::format("metrics: socket: {}", std::strerror(errno)));
  auto fail = [&](std::string_view what) {
    const int e = errno;
    ::close(fd);
    return absl::UnavailableError(fmt::format("metrics: {} {}: {}", what, where, std::strerror(e)));
  };
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));  // restart over TIME_WAIT
  sockaddr_storage storage{};
  socklen_t length = 0;
  if (v4) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&storage);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(listen.port);
    std::memcpy(&sin->sin_addr, listen.address.bytes().data(), 4);
    length = sizeof(sockaddr_in);
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&storage);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(listen.port);
    std::memcpy(&sin6->sin6_addr, listen.address.bytes().data(), 16);
    length = sizeof(sockaddr_in6);
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0) return fail("bind");
  if (::listen(fd, static_cast<int>(kMaxConnections)) != 0) return fail("listen");
  length = sizeof(storage);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) {
    return fail("getsockname");
  }
  std::unique_ptr<MetricsServer> server(new MetricsServer());
  server->port_ = ntohs(v4 ? reinterpret_cast<sockaddr_in*>(&storage)->sin_port
                           : reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port);
  // One internal thread with epoll: every connection is non-blocking on it, so a client that
  // never reads only fills its socket buffer. Beyond kMaxConnections libmicrohttpd stops
  // accepting until a slot frees; an idle connection is closed after kConnectionTimeout.
  server->daemon_ = mhd->start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0, nullptr, nullptr, &MetricsHandler::Answer,
      server.get(), MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_CONNECTION_LIMIT, kMaxConnections,
      MHD_OPTION_CONNECTION_TIMEOUT,
      static_cast<unsigned>(absl::ToInt64Seconds(kConnectionTimeout)), MHD_OPTION_END);
  if (server->daemon_ == nullptr) {
    // Not closed here: libmicrohttpd may have closed it already on its failure path, and the
    // daemon exits on this error anyway.
    return absl::InternalError(fmt::format("metrics: libmicrohttpd did not start on {}", where));
  }
  return server;
}

MetricsServer::~MetricsServer() {
  if (daemon_ != nullptr) Mhd()->stop_daemon(daemon_);  // joins the thread, closes the socket
}

void MetricsServer::Publish(std::shared_ptr<const vrrp::MetricsSnapshot> snapshot) {
  std::shared_ptr<const vrrp::MetricsSnapshot> old;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    old = std::exchange(snapshot_, std::move(snapshot));
  }
  // `old` is freed here, outside the lock (unless the HTTP thread still holds it).
}

std::shared_ptr<const std::string> MetricsServer::Rendered() {
  std::shared_ptr<const vrrp::MetricsSnapshot> latest;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    latest = snapshot_;
  }
  if (!latest) return nullptr;
  if (latest != rendered_from_) {
    rendered_ = std::make_shared<const std::string>(vrrp::PrometheusText(*latest));
    rendered_from_ = std::move(latest);
  }
  return rendered_;
}

}  // namespace vrrpd
