#include "common/number_format.h"

#include <QLocale>

namespace tb::ui {

void useOneNumberFormat() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

}  // namespace tb::ui
