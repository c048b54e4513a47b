// A gate a worker thread waits at until the test opens it: lets a test hold a background task at
// a known point (a device being measured, a reply half sent) for as long as it needs, instead of
// making the task slow and hoping the test gets there in time.
#pragma once

#include <condition_variable>
#include <mutex>

namespace tbtest {

class Gate {
 public:
  // Blocks until open() was called (at once if it already was).
  void wait() {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_opened.wait(lock, [this] { return m_open; });
  }

  // Lets every waiter through, now and later.
  void open() {
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_open = true;
    }
    m_opened.notify_all();
  }

 private:
  std::mutex m_mutex;
  std::condition_variable m_opened;
  bool m_open = false;
};

}  // namespace tbtest
