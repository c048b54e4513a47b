// A tiny scripted HTTP/1.1 server on 127.0.0.1 for the download tests: a thread with POSIX
// sockets (so it answers while the test thread blocks in a download), one request per
// connection, and replies that can lie about their length, stop halfway, trickle, stall, or hold
// mid-transfer until the test releases them (so a test acts mid-transfer without racing it).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace tbtest {

struct HttpRequest {
  std::string method;
  std::string path;
  std::optional<std::int64_t> rangeStart;  // from "Range: bytes=N-"
};

struct HttpReply {
  int status = 200;
  std::string body;
  std::int64_t contentLength = -1;  // -1: the body's size; more: a transfer that ends short
  bool sendLength = true;  // false: no Content-Length (HTTP/1.0 style: the close ends the body)
  std::size_t sendAtMost = std::string::npos;  // then close (a server gone mid-transfer)
  std::size_t chunkSize = 16384;
  int chunkDelayMs = 0;  // a slow server
  int stallMs = 0;       // after sending, stay silent this long before closing
  // After this many body bytes, stay silent until release() (or the server's end), then go on.
  std::size_t holdAt = std::string::npos;
  std::vector<std::pair<std::string, std::string>> headers;
};

// A reply serving `content` the way a file server does: 206 for "Range: bytes=N-" unless
// `honourRange` is false, 416 for a range past the end.
inline HttpReply fileReply(const HttpRequest& request, const std::string& content,
                           bool honourRange = true) {
  HttpReply reply;
  if (honourRange && request.rangeStart) {
    const auto start = static_cast<std::size_t>(*request.rangeStart);
    if (start >= content.size()) {
      reply.status = 416;
      reply.headers.emplace_back("Content-Range", "bytes */" + std::to_string(content.size()));
      return reply;
    }
    reply.status = 206;
    reply.body = content.substr(start);
    reply.headers.emplace_back("Content-Range", "bytes " + std::to_string(start) + "-" +
                                                    std::to_string(content.size() - 1) + "/" +
                                                    std::to_string(content.size()));
    return reply;
  }
  reply.body = content;
  return reply;
}

class HttpTestServer {
 public:
  using Handler = std::function<HttpReply(const HttpRequest&)>;

  explicit HttpTestServer(Handler handler) : m_handler(std::move(handler)) {
    m_listener = ::socket(AF_INET, SOCK_STREAM, 0);
    const int yes = 1;
    ::setsockopt(m_listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;  // any free port
    ::bind(m_listener, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(m_listener, 16);
    socklen_t length = sizeof address;
    ::getsockname(m_listener, reinterpret_cast<sockaddr*>(&address), &length);
    m_port = ntohs(address.sin_port);
    m_thread = std::thread([this] { serve(); });
  }

  ~HttpTestServer() {
    {
      std::lock_guard<std::mutex> lock(m_waitMutex);
      m_stop.store(true);
    }
    m_wake.notify_all();
    m_thread.join();
    ::close(m_listener);
  }

  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  int port() const { return m_port; }
  std::string url(const std::string& path = "/") const {
    return "http://127.0.0.1:" + std::to_string(m_port) + path;
  }
  std::vector<HttpRequest> requests() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_requests;
  }
  std::size_t bytesSent() const { return m_bytesSent.load(); }

  // Lets replies held at their holdAt go on (this one and any later ones).
  void release() {
    {
      std::lock_guard<std::mutex> lock(m_waitMutex);
      m_released = true;
    }
    m_wake.notify_all();
  }

  // A local port that nothing listens on: connecting to it is refused at once.
  static int closedPort() {
    const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(probe, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(probe);
    return ntohs(address.sin_port);
  }

 private:
  void serve() {
    while (!m_stop.load()) {
      pollfd listening{m_listener, POLLIN, 0};
      if (::poll(&listening, 1, 50) <= 0) continue;
      const int client = ::accept(m_listener, nullptr, nullptr);
      if (client < 0) continue;
      handle(client);
      ::close(client);
    }
  }

  bool readRequest(int client, std::string& head) {
    char buffer[4096];
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (head.find("\r\n\r\n") == std::string::npos) {
      if (m_stop.load() || std::chrono::steady_clock::now() > deadline) return false;
      pollfd readable{client, POLLIN, 0};
      if (::poll(&readable, 1, 50) <= 0) continue;
      const auto count = ::recv(client, buffer, sizeof buffer, 0);
      if (count <= 0) return false;
      head.append(buffer, static_cast<std::size_t>(count));
    }
    return true;
  }

  static HttpRequest parse(const std::string& head) {
    HttpRequest request;
    const auto firstSpace = head.find(' ');
    const auto secondSpace = head.find(' ', firstSpace + 1);
    request.method = head.substr(0, firstSpace);
    request.path = head.substr(firstSpace + 1, secondSpace - firstSpace - 1);
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto range = lower.find("\r\nrange: bytes=");
    if (range != std::string::npos) {
      request.rangeStart = std::stoll(head.substr(range + 15));
    }
    return request;
  }

  static const char* reason(int status) {
    switch (status) {
      case 200:
        return "OK";
      case 206:
        return "Partial Content";
      case 404:
        return "Not Found";
      case 416:
        return "Range Not Satisfiable";
      default:
        return "Status";
    }
  }

  bool sendAll(int client, const char* data, std::size_t size, bool body = true) {
    while (size > 0) {
      const auto sent = ::send(client, data, size, MSG_NOSIGNAL);
      if (sent <= 0) return false;  // the client went away (a cancelled download)
      data += sent;
      size -= static_cast<std::size_t>(sent);
      if (body) m_bytesSent += static_cast<std::size_t>(sent);
    }
    return true;
  }

  // A slow or silent server: waits `milliseconds`, or less when the server ends.
  void pause(int milliseconds) {
    std::unique_lock<std::mutex> lock(m_waitMutex);
    m_wake.wait_for(lock, std::chrono::milliseconds(milliseconds),
                    [this] { return m_stop.load(); });
  }

  void hold() {
    std::unique_lock<std::mutex> lock(m_waitMutex);
    m_wake.wait(lock, [this] { return m_stop.load() || m_released; });
  }

  void handle(int client) {
    std::string head;
    if (!readRequest(client, head)) return;
    const HttpRequest request = parse(head);
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_requests.push_back(request);
    }
    const HttpReply reply = m_handler(request);
    const std::int64_t length = reply.contentLength >= 0
                                    ? reply.contentLength
                                    : static_cast<std::int64_t>(reply.body.size());
    std::string header = "HTTP/1.1 " + std::to_string(reply.status) + " " + reason(reply.status) +
                         "\r\n";
    if (reply.sendLength) header += "Content-Length: " + std::to_string(length) + "\r\n";
    header += "Connection: close\r\n";
    for (const auto& [name, value] : reply.headers) header += name + ": " + value + "\r\n";
    header += "\r\n";
    if (!sendAll(client, header.data(), header.size(), /*body=*/false)) return;
    const std::size_t end = std::min(reply.body.size(), reply.sendAtMost);
    if (reply.holdAt == 0) hold();
    for (std::size_t offset = 0; offset < end && !m_stop.load();) {
      std::size_t chunkEnd = std::min(offset + reply.chunkSize, end);
      if (offset < reply.holdAt && chunkEnd > reply.holdAt) chunkEnd = reply.holdAt;
      if (!sendAll(client, reply.body.data() + offset, chunkEnd - offset)) return;
      offset = chunkEnd;
      if (offset == reply.holdAt) hold();
      if (reply.chunkDelayMs > 0) pause(reply.chunkDelayMs);
    }
    if (reply.stallMs > 0) pause(reply.stallMs);
  }

  Handler m_handler;
  int m_listener = -1;
  int m_port = 0;
  std::atomic<bool> m_stop{false};
  std::mutex m_waitMutex;  // with m_wake: pauses and holds end at once when the server stops
  std::condition_variable m_wake;
  bool m_released = false;
  std::atomic<std::size_t> m_bytesSent{0};
  mutable std::mutex m_mutex;
  std::vector<HttpRequest> m_requests;
  std::thread m_thread;
};

}  // namespace tbtest
