#include "metrics/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "support/error.h"

namespace ovsq::metrics {
namespace {

constexpr size_t kMaxRequestBytes = 16 * 1024;  // a scrape's is ~300
constexpr size_t kMaxConnections = 64;           // beyond: closed at once
constexpr int kSendTimeoutSeconds = 5;

const char* reason_of(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 431: return "Request Header Fields Too Large";
  }
  return "Error";
}

bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(size_t(n));
  }
  return true;
}

std::optional<uint16_t> parse_port(std::string_view text) {
  unsigned port = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
      port == 0 || port > 65535)
    return std::nullopt;
  return uint16_t(port);
}

}  // namespace

std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string& why) {
  std::string_view host = "127.0.0.1", port_text = text;
  size_t colon = text.rfind(':');
  if (colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (host.empty()) host = "127.0.0.1";
  }
  std::optional<uint16_t> port = parse_port(port_text);
  if (!port) {
    why = "needs HOST:PORT with a port from 1 to 65535, such as 127.0.0.1:9464, not '" +
          std::string(text) + "'";
    return std::nullopt;
  }
  ListenAddress out;
  if (host == "localhost") host = "127.0.0.1";
  std::string h(host);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.address);
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(*port);
    if (inet_pton(AF_INET6, h.substr(1, h.size() - 2).c_str(), &v6->sin6_addr) == 1) {
      out.length = sizeof *v6;
      out.text = h + ":" + std::to_string(*port);
      return out;
    }
  } else {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&out.address);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(*port);
    if (inet_pton(AF_INET, h.c_str(), &v4->sin_addr) == 1) {
      out.length = sizeof *v4;
      out.text = h + ":" + std::to_string(*port);
      return out;
    }
  }
  why = "'" + h + "' is not an IPv4 address, [an IPv6 address] or localhost";
  return std::nullopt;
}

HttpServer::HttpServer(const ListenAddress& address, Handler handler)
    : address_(address.text), handler_(std::move(handler)) {
  listener_ = runtime::Fd(::socket(address.address.ss_family,
                                   SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (listener_.get() < 0) throw_errno("cannot create a socket for " + address_, errno);
  int one = 1;
  ::setsockopt(listener_.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(listener_.get(), reinterpret_cast<const sockaddr*>(&address.address),
             address.length) != 0) {
    int err = errno;
    if (err == EADDRINUSE)
      throw UserError("cannot serve metrics on " + address_ +
                      ": the address is already in use");
    if (err == EADDRNOTAVAIL)
      throw UserError("cannot serve metrics on " + address_ +
                      ": no interface of this host has that address");
    throw_errno("cannot serve metrics on " + address_, err);
  }
  if (::listen(listener_.get(), 16) != 0)
    throw_errno("cannot listen on " + address_, errno);
}

HttpServer::~HttpServer() {
  if (loop_ == nullptr) return;
  loop_->remove(listener_source_);
  for (auto& [fd, connection] : connections_) loop_->remove(connection.source);
}

void HttpServer::add_sources(runtime::EventLoop& loop) {
  loop_ = &loop;
  listener_source_ = loop.add(listener_.get(), [this] { on_listener(); });
}

void HttpServer::on_listener() {
  for (;;) {
    int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN: none left (or a transient error)
    if (connections_.size() >= kMaxConnections) {
      ::close(fd);
      continue;
    }
    Connection& c = connections_[fd];
    c.fd = runtime::Fd(fd);
    c.source = loop_->add(fd, [this, fd] { on_connection(fd); });
  }
}

void HttpServer::on_connection(int fd) {
  auto it = connections_.find(fd);
  if (it == connections_.end()) return;
  Connection& c = it->second;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // more later
    if (n <= 0) return close(fd);  // the client went away
    c.request.append(buffer, size_t(n));
    if (c.request.find("\r\n\r\n") != std::string::npos ||
        c.request.size() > kMaxRequestBytes)
      return answer(c);
  }
}

void HttpServer::answer(Connection& c) {
  int fd = c.fd.get();
  HttpResponse response;
  bool head = false;
  size_t end = c.request.find("\r\n\r\n");
  if (end == std::string::npos) {
    response = {431, "text/plain; charset=utf-8", "request header too large\n"};
  } else {
    // "GET /metrics?x HTTP/1.1"
    std::string_view line(c.request.data(), c.request.find("\r\n"));
    size_t space = line.find(' '), second = line.find(' ', space + 1);
    if (space == std::string_view::npos || second == std::string_view::npos) {
      response = {400, "text/plain; charset=utf-8", "bad request\n"};
    } else {
      std::string_view method = line.substr(0, space);
      std::string_view target = line.substr(space + 1, second - space - 1);
      target = target.substr(0, target.find('?'));
      head = method == "HEAD";
      if (method != "GET" && !head)
        response = {405, "text/plain; charset=utf-8", "only GET and HEAD\n"};
      else
        response = handler_(target);
    }
  }
  std::string bytes = "HTTP/1.1 " + std::to_string(response.status) + " " +
                      reason_of(response.status) + "\r\nContent-Type: " +
                      response.content_type +
                      "\r\nContent-Length: " + std::to_string(response.body.size()) +
                      "\r\nConnection: close\r\n\r\n";
  if (!head) bytes += response.body;
  // Written at once, blocking for at most the timeout.
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  timeval timeout{kSendTimeoutSeconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  send_all(fd, bytes);
  ::shutdown(fd, SHUT_WR);
  close(fd);
}

void HttpServer::close(int fd) {
  auto it = connections_.find(fd);
  if (it == connections_.end()) return;
  loop_->remove(it->second.source);
  connections_.erase(it);  // closes the socket
}

}  // namespace ovsq::metrics
