// What /proc says of a process's signals, for the tests that check a signal stays ignored
// while a run trains (nohup, then the terminal closes).
#pragma once

#include <QByteArray>
#include <QFile>
#include <QString>

#include <csignal>

namespace tbtest {

// Whether process `pid` ignores `signal` now (its SigIgn mask in /proc/PID/status); false where
// that cannot be read.
inline bool ignoresSignal(qint64 pid, int signal) {
  QFile status(QStringLiteral("/proc/%1/status").arg(pid));
  if (!status.open(QIODevice::ReadOnly)) return false;
  for (const QByteArray& line : status.readAll().split('\n')) {
    if (line.startsWith("SigIgn:")) {
      return ((line.mid(7).trimmed().toULongLong(nullptr, 16) >> (signal - 1)) & 1U) != 0;
    }
  }
  return false;
}

}  // namespace tbtest
