// keepFocusInView (focus_in_view.h).
#include "common/focus_in_view.h"

#include <QApplication>
#include <QPointer>
#include <QScrollArea>

namespace tb::ui {

void keepFocusInView(QScrollArea* area) {
  QObject::connect(qApp, &QApplication::focusChanged, area,
                   [area = QPointer<QScrollArea>(area)](QWidget*, QWidget* now) {
                     if (area && now && area->widget() && area->widget()->isAncestorOf(now)) {
                       area->ensureWidgetVisible(now);
                     }
                   });
}

}  // namespace tb::ui
