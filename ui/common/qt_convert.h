// Conversions between the core's std types and Qt's, in one place.
#pragma once

#include <QString>

#include <optional>
#include <string>

namespace tb::ui {

inline QString toQString(const std::string& text) { return QString::fromStdString(text); }
inline std::string toStdString(const QString& text) { return text.toStdString(); }

// "n/a" for a metric that could not be measured, never 0.
inline QString formatOptional(const std::optional<double>& value, int decimals,
                              const QString& suffix = QString()) {
  return value ? QString::number(*value, 'f', decimals) + suffix : QStringLiteral("n/a");
}

}  // namespace tb::ui
