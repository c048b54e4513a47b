// A watchdog for the blocking calls a test cannot interrupt (a destructor that joins a thread):
// if the call has not returned within a generous limit, the test process fails with a message
// instead of hanging until CTest's timeout. The limit tells "returns" from "hangs"; it never
// measures how fast something is.
#pragma once

#include <QtGlobal>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace tbtest {

class Watchdog {
 public:
  explicit Watchdog(std::string what, std::chrono::seconds limit = std::chrono::seconds(120))
      : m_what(std::move(what)) {
    m_thread = std::thread([this, limit] {
      std::unique_lock<std::mutex> lock(m_mutex);
      if (!m_done.wait_for(lock, limit, [this] { return m_returned; })) {
        qFatal("%s did not return within %lld s", m_what.c_str(),
               static_cast<long long>(limit.count()));
      }
    });
  }

  // The guarded call returned: disarms the watchdog.
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_returned = true;
    }
    m_done.notify_all();
    m_thread.join();
  }

  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

 private:
  std::string m_what;
  std::mutex m_mutex;
  std::condition_variable m_done;
  bool m_returned = false;
  std::thread m_thread;
};

}  // namespace tbtest
