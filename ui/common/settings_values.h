// Reading values from a settings file a person may have edited by hand.
#pragma once

#include <QString>
#include <QVariant>

#include <optional>

namespace tb::ui {

// "true" or "false" (as QSettings writes them), and what a person types for them: 1/0, yes/no,
// on/off. Anything else is no answer, where QVariant::toBool() reads "no" or "off" as true.
inline std::optional<bool> strictBool(const QVariant& value) {
  if (!value.isValid()) return std::nullopt;
  const QString text = value.toString().trimmed().toLower();
  for (const char* yes : {"true", "1", "yes", "on"}) {
    if (text == QLatin1String(yes)) return true;
  }
  for (const char* no : {"false", "0", "no", "off"}) {
    if (text == QLatin1String(no)) return false;
  }
  return std::nullopt;
}

}  // namespace tb::ui
