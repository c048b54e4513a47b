// Turns SIGTERM, SIGINT and SIGHUP into a Qt signal on the GUI thread (the self-pipe trick), so
// the app can stop its run and save it before quitting, as it does when its window is closed.
#pragma once

#include <QObject>

#include <csignal>
#include <initializer_list>
#include <utility>
#include <vector>

class QSocketNotifier;

namespace tb::ui {

class UnixSignalWatcher final : public QObject {
  Q_OBJECT

 public:
  // One watcher per process: it installs the handlers (not for a signal ignored when it starts),
  // and puts the previous ones back when destroyed.
  explicit UnixSignalWatcher(std::initializer_list<int> signalNumbers, QObject* parent = nullptr);
  ~UnixSignalWatcher() override;

 Q_SIGNALS:
  // Emitted on the GUI thread, once per delivered signal.
  void received(int signalNumber);

 private:
  void readPipe();

  std::vector<std::pair<int, struct sigaction>> m_previous;  // the signals it handles
  QSocketNotifier* m_notifier = nullptr;
};

}  // namespace tb::ui
