#include "common/host_names.h"

#include <QRegularExpression>

#include <optional>

namespace tb::ui {

bool isQualifiedHost(const QString& name) {
  static const QRegularExpression letter(QStringLiteral("[A-Za-z]"));
  const qsizetype dot = name.indexOf(u'.');
  return dot > 0 && name.left(dot).contains(letter);
}

QString sharedDomain(const QStringList& hosts) {
  std::optional<QStringList> shared;
  for (const QString& host : hosts) {
    if (!isQualifiedHost(host)) continue;
    const QStringList pieces = host.split(u'.');
    if (!shared) {
      shared = pieces.mid(1);
      continue;
    }
    qsizetype common = 0;
    while (common < shared->size() && common < pieces.size() - 1 &&
           shared->at(shared->size() - 1 - common) == pieces.at(pieces.size() - 1 - common)) {
      ++common;
    }
    *shared = shared->mid(shared->size() - common);
  }
  return shared ? shared->join(u'.') : QString();
}

QString withoutDomain(const QString& host, const QString& domain) {
  const QString tail = u'.' + domain;
  if (domain.isEmpty() || !host.endsWith(tail) || host.size() == tail.size()) return host;
  return host.left(host.size() - tail.size()) + QChar(0x2026);
}

}  // namespace tb::ui
