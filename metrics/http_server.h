#pragma once
// The smallest HTTP/1.1 server a Prometheus scrape needs, on the runtime's
// EventLoop beside the query's ring buffer and timers: no thread, so a
// scrape reads the BPF maps on the loop's own thread and nothing races a
// re-attach.  A request is read without blocking until its header ends;
// the answer is written at once (with a send timeout, so a client that
// stops reading cannot hold the loop longer than that) and the connection
// closed ("Connection: close"; Prometheus reconnects for each scrape).
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/event_loop.h"
#include "runtime/fd.h"

namespace ovsq::metrics {

struct ListenAddress {
  sockaddr_storage address{};
  socklen_t length = 0;
  std::string text;  // "127.0.0.1:9464", "[::1]:9464"
};

// "HOST:PORT" with HOST an IPv4 address, "[IPv6]" or "localhost"; ":PORT"
// or "PORT" alone is loopback (127.0.0.1): ovsq serves on another
// interface only when told to ("0.0.0.0:9464").  nullopt with `why` set
// otherwise.
std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string& why);

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

class HttpServer {
 public:
  // Answers a GET or HEAD of `path` (the request's target up to '?').
  using Handler = std::function<HttpResponse(std::string_view path)>;

  // Binds and listens at once.  Throws UserError: "cannot serve metrics on
  // 127.0.0.1:9464: the address is already in use".
  HttpServer(const ListenAddress& address, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // `loop` must outlive the server while its sources are in it.
  void add_sources(runtime::EventLoop& loop);
  const std::string& address() const { return address_; }

 private:
  struct Connection {
    runtime::Fd fd;
    runtime::EventLoop::SourceId source = 0;
    std::string request;
  };
  void on_listener();
  void on_connection(int fd);
  void answer(Connection& connection);
  void close(int fd);

  std::string address_;
  Handler handler_;
  runtime::Fd listener_;
  runtime::EventLoop* loop_ = nullptr;
  runtime::EventLoop::SourceId listener_source_ = 0;
  std::map<int, Connection> connections_;  // by fd
};

}  // namespace ovsq::metrics
