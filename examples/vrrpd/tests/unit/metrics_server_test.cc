// --metrics: the ADDRESS:PORT flag, and the HTTP side on loopback: 503 before a snapshot, the
// exposition with Prometheus' content type after, 404 / 405 for anything else, a response
// that outlives the snapshot it came from, and a scrape that still works while clients that
// never read hold connections.
#include "metrics_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "options.h"

namespace vrrpd {
namespace {

std::string ParseError(std::string_view text) {
  auto listen = ParseListenAddress(text);
  REQUIRE_FALSE(listen.ok());
  return std::string(listen.status().message());
}

TEST_CASE("metrics: ADDRESS:PORT for IPv4 and bracketed IPv6, clear errors otherwise") {
  auto v4 = ParseListenAddress("192.0.2.5:9650");
  REQUIRE(v4.ok());
  CHECK(v4->address.ToString() == "192.0.2.5");
  CHECK(v4->port == 9650);
  auto v6 = ParseListenAddress("[2001:db8::5]:9100");
  REQUIRE(v6.ok());
  CHECK(v6->address.ToString() == "2001:db8::5");
  CHECK(v6->port == 9100);
  CHECK(ParseListenAddress("0.0.0.0:0").ok());
  CHECK(ParseListenAddress("[::]:9650").ok());

  CHECK(ParseError("192.0.2.5").find("no port") != std::string::npos);
  CHECK(ParseError(":9650").find("no address") != std::string::npos);
  CHECK(ParseError("2001:db8::5:9650").find("brackets") != std::string::npos);
  CHECK(ParseError("[2001:db8::5:9650").find("']'") != std::string::npos);
  CHECK(ParseError("localhost:9650").find("bad address 'localhost'") != std::string::npos);
  CHECK(ParseError("192.0.2.5:65536").find("bad port") != std::string::npos);
  CHECK(ParseError("192.0.2.5:http").find("bad port") != std::string::npos);
  CHECK(ParseError("192.0.2.5:").find("bad port") != std::string::npos);
  CHECK(ParseError("192.0.2.5:-1").find("bad port") != std::string::npos);
}

TEST_CASE("metrics: --metrics is off by default and checked when parsed") {
  auto none = ParseOptions({});
  REQUIRE(none.ok());
  CHECK(none->metrics.empty());
  auto on = ParseOptions({"--metrics", "192.0.2.5:9650"});
  REQUIRE(on.ok());
  CHECK(on->metrics == "192.0.2.5:9650");
  auto eq = ParseOptions({"--metrics=[2001:db8::5]:9650"});
  REQUIRE(eq.ok());
  CHECK(eq->metrics == "[2001:db8::5]:9650");
  auto bad = ParseOptions({"--metrics", "192.0.2.5"});
  REQUIRE_FALSE(bad.ok());
  CHECK(std::string(bad.status().message()).rfind("--metrics: '192.0.2.5' is not", 0) == 0);
  CHECK(Usage().find("--metrics ADDRESS:PORT") != std::string::npos);
  auto missing = ParseOptions({"--metrics"});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message() == "--metrics needs ADDRESS:PORT");
  auto empty = ParseOptions({"--metrics="});
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.status().message() == "--metrics needs ADDRESS:PORT");
}

int Connect(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)) == 0);
  return fd;
}

// One HTTP/1.0 request; the whole answer (headers and body), read until the server closes.
// libmicrohttpd answers "HTTP/1.1 <status>" whatever the request's version.
std::string Request(uint16_t port, const std::string& method, const std::string& path) {
  const int fd = Connect(port);
  const std::string request = method + " " + path + " HTTP/1.0\r\nHost: test\r\n\r\n";
  REQUIRE(send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size()));
  std::string answer;
  char buffer[4096];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    REQUIRE(poll(&p, 1, 5000) == 1);  // an answer within 5 s, or the test fails
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    answer.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  return answer;
}

std::shared_ptr<const vrrp::MetricsSnapshot> Snapshot(const std::string& name,
                                                      vrrp::RouterState state) {
  auto s = std::make_shared<vrrp::MetricsSnapshot>();
  vrrp::InstanceMetrics& m = s->instances.emplace_back();
  m.status.name = name;
  m.status.interface = "eth0";
  m.status.vrid = 50;
  m.status.state = state;
  m.addresses = {{"192.0.2.3/24", "eth0"}};
  return s;
}

auto Loopback() {
  auto listen = ParseListenAddress("127.0.0.1:0");
  REQUIRE(listen.ok());
  auto server = MetricsServer::Start(*listen);
  INFO(server.status().ToString());
  REQUIRE(server.ok());
  REQUIRE((*server)->port() != 0);
  return std::move(*server);
}

TEST_CASE("metrics: GET /metrics serves the latest snapshot, 503 before, 404 and 405 otherwise") {
  auto server = Loopback();
  CHECK(Request(server->port(), "GET", "/metrics").substr(0, 12) == "HTTP/1.1 503");

  server->Publish(Snapshot("VI_1", vrrp::RouterState::kBackup));
  std::string answer = Request(server->port(), "GET", "/metrics");
  CHECK(answer.substr(0, 12) == "HTTP/1.1 200");
  CHECK(answer.find("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n") !=
        std::string::npos);
  CHECK(answer.find("keepalived_vrrp_state{iname=\"VI_1\",intf=\"eth0\",vrid=\"50\","
                    "ip_address=\"192.0.2.3/24\"} 1\n") != std::string::npos);

  server->Publish(Snapshot("VI_1", vrrp::RouterState::kMaster));
  answer = Request(server->port(), "GET", "/metrics");
  CHECK(answer.find("ip_address=\"192.0.2.3/24\"} 2\n") != std::string::npos);

  const std::string head = Request(server->port(), "HEAD", "/metrics");
  CHECK(head.substr(0, 12) == "HTTP/1.1 200");
  CHECK(head.find("keepalived_up") == std::string::npos);  // headers only

  CHECK(Request(server->port(), "GET", "/").substr(0, 12) == "HTTP/1.1 404");
  CHECK(Request(server->port(), "GET", "/metrics/x").substr(0, 12) == "HTTP/1.1 404");
  const std::string post = Request(server->port(), "POST", "/metrics");
  CHECK(post.substr(0, 12) == "HTTP/1.1 405");
  CHECK(post.find("Allow: GET, HEAD\r\n") != std::string::npos);
}

TEST_CASE("metrics: a bound address in use is a clear error") {
  auto server = Loopback();
  ListenAddress taken{vrrp::IpAddress::V4(127, 0, 0, 1), server->port()};
  // SO_REUSEADDR does not let a second listener share a listening port.
  auto second = MetricsServer::Start(taken);
  REQUIRE_FALSE(second.ok());
  CHECK(std::string(second.status().message()).find("bind 127.0.0.1:") != std::string::npos);
  CHECK(std::string(second.status().message()).find("Address already in use") != std::string::npos);
}

TEST_CASE("metrics: a large exposition reaches a slow reader whole, while snapshots change") {
  auto server = Loopback();
  auto big = std::make_shared<vrrp::MetricsSnapshot>();
  for (int i = 0; i < 300; ++i) {
    vrrp::InstanceMetrics& m = big->instances.emplace_back();
    m.status.name = "VI_" + std::to_string(i);
    m.status.interface = "eth0";
    m.status.vrid = i % 255 + 1;
  }
  const std::string expected = vrrp::PrometheusText(*big);
  REQUIRE(expected.size() > 500000);  // more than the socket buffers hold
  server->Publish(big);
  big.reset();

  const int fd = Connect(server->port());
  const std::string request = "GET /metrics HTTP/1.0\r\n\r\n";
  REQUIRE(send(fd, request.data(), request.size(), MSG_NOSIGNAL) > 0);
  usleep(200 * 1000);  // the server has sent what fits and waits for us
  // A new snapshot replaces the one being sent: the response keeps its own.
  server->Publish(Snapshot("VI_new", vrrp::RouterState::kMaster));
  std::string answer;
  char buffer[65536];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    REQUIRE(poll(&p, 1, 5000) == 1);
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    answer.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  const size_t body = answer.find("\r\n\r\n");
  REQUIRE(body != std::string::npos);
  CHECK(answer.substr(body + 4) == expected);
  CHECK(Request(server->port(), "GET", "/metrics").find("VI_new") != std::string::npos);
}

TEST_CASE("metrics: clients that never read do not stop another scrape") {
  auto server = Loopback();
  server->Publish(Snapshot("VI_1", vrrp::RouterState::kMaster));
  // Fewer than the connection limit: each asked for the page and reads nothing.
  std::vector<int> idle;
  for (unsigned i = 0; i + 8 < MetricsServer::kMaxConnections; ++i) {
    const int fd = Connect(server->port());
    const std::string request = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
    REQUIRE(send(fd, request.data(), request.size(), MSG_NOSIGNAL) > 0);
    idle.push_back(fd);
  }
  // And one that sends half a request and stops.
  const int half = Connect(server->port());
  REQUIRE(send(half, "GET /met", 8, MSG_NOSIGNAL) == 8);
  CHECK(Request(server->port(), "GET", "/metrics").substr(0, 12) == "HTTP/1.1 200");
  for (int fd : idle) close(fd);
  close(half);
}

}  // namespace
}  // namespace vrrpd
