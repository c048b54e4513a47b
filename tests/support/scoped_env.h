// An environment variable set (or, with a null value, unset) for one scope; the previous state
// comes back afterwards.
#pragma once

#include <QByteArray>
#include <QtGlobal>

namespace tbtest {

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const QByteArray& value)
      : m_name(name), m_hadValue(qEnvironmentVariableIsSet(name)), m_old(qgetenv(name)) {
    if (value.isNull()) {
      qunsetenv(name);
    } else {
      qputenv(name, value);
    }
  }
  ~ScopedEnv() {
    if (m_hadValue) {
      qputenv(m_name, m_old);
    } else {
      qunsetenv(m_name);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* m_name;
  bool m_hadValue;
  QByteArray m_old;
};

}  // namespace tbtest
