// describeCellsByTheirToolTips (accessible_tips.h).
#include "common/accessible_tips.h"

#include <QTableWidget>
#include <QTextDocument>
#include <QTextDocumentFragment>

namespace tb::ui {

void describeCellsByTheirToolTips(QTableWidget* table) {
  for (int row = 0; row < table->rowCount(); ++row) {
    for (int column = 0; column < table->columnCount(); ++column) {
      QTableWidgetItem* item = table->item(row, column);
      if (!item) continue;
      const QString tip = item->toolTip();
      // plainToolTip wraps text in a paragraph so it keeps its line breaks: that markup would
      // be read out.
      const QString text =
          Qt::mightBeRichText(tip) ? QTextDocumentFragment::fromHtml(tip).toPlainText() : tip;
      item->setData(Qt::AccessibleDescriptionRole, text.isEmpty() ? QVariant() : QVariant(text));
    }
  }
}

}  // namespace tb::ui
