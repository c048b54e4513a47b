// WorkerThread: the one way the GUI runs work off its thread (docs/architecture.md). A worker
// QObject lives on a QThread its owner holds: the owner posts calls to it, and the worker's
// signals reach the owner queued, in the order they were emitted.
#pragma once

#include "common/metatypes.h"

#include <QMetaObject>
#include <QString>
#include <QThread>

#include <utility>

namespace tb::ui {

template <typename Worker>
class WorkerThread final {
 public:
  // Starts the thread, its worker waiting for calls. `name` shows in debuggers and `top -H`.
  explicit WorkerThread(const QString& name) : m_worker(new Worker) {  // no parent: it moves
    registerMetaTypes();  // before the first queued signal
    m_thread.setObjectName(name);
    m_worker->moveToThread(&m_thread);
    // The worker is deleted on its own thread once the thread's event loop has ended.
    QObject::connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
  }
  ~WorkerThread() { quitAndWait(); }
  WorkerThread(const WorkerThread&) = delete;
  WorkerThread& operator=(const WorkerThread&) = delete;

  // For connecting to its signals; its functions may be called only on its thread (post).
  Worker* worker() const { return m_worker; }

  // Calls `work(worker)` on the worker's thread, after the calls posted before it.
  template <typename Work>
  void post(Work work) {
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, work = std::move(work)]() mutable { work(*worker); },
        Qt::QueuedConnection);
  }

  // Ends the thread once the call in progress returns (the owner first sets the cancel flag that
  // ends it) and waits. Calls still waiting may run before it ends or be dropped: owners post
  // one call at a time. The owner calls this in its destructor, before the members the work
  // reads are gone; calling it again does nothing.
  void quitAndWait() {
    m_thread.quit();
    m_thread.wait();
  }

 private:
  QThread m_thread;
  Worker* m_worker;  // lives on m_thread
};

}  // namespace tb::ui
