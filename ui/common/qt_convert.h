// Conversions between the core's std types and Qt's, in one place.
#pragma once

#include "results/table_text.h"

#include <QDateTime>
#include <QString>

#include <optional>
#include <string>

namespace tb::ui {

inline QString toQString(const std::string& text) { return QString::fromStdString(text); }
inline std::string toStdString(const QString& text) { return text.toStdString(); }

// "n/a" for a metric that could not be measured, never 0; beyond any real figure in
// scientific notation (table::fixed), not three hundred digits.
inline QString formatOptional(const std::optional<double>& value, int decimals,
                              const QString& suffix = QString()) {
  return value ? toQString(table::fixed(*value, decimals)) + suffix : QStringLiteral("n/a");
}

// A result's `created` time (ISO 8601). One written without an offset is UTC, as the format
// says: Qt reads it as local time, and as no time at all in the hour a clock change skips.
// Invalid where it does not parse.
inline QDateTime createdTime(const std::string& created) {
  const QDateTime time = QDateTime::fromString(toQString(created), Qt::ISODate);
  return time.timeSpec() == Qt::LocalTime ? QDateTime(time.date(), time.time(), Qt::UTC) : time;
}

// A tooltip that shows `text` as it is: Qt renders a tooltip that looks like HTML as HTML, and
// text from a shared result file (an error, a CPU model) could show a heading or a link.
inline QString plainToolTip(const QString& text) {
  if (text.isEmpty()) return text;
  return QStringLiteral("<p style='white-space:pre-wrap'>") + text.toHtmlEscaped() +
         QStringLiteral("</p>");
}

}  // namespace tb::ui
