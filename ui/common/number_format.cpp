#include "common/number_format.h"

#include <QLocale>

#include <clocale>

namespace tb::ui {

void useOneNumberFormat() {
  QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
  // QApplication set the C library's locale from the environment; the core's printf-formatted
  // texts (download sizes, memory in errors, the profile's table) follow that one.
  std::setlocale(LC_NUMERIC, "C");
}

}  // namespace tb::ui
