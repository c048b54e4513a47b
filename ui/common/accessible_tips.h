// Tooltips read by a screen reader: Qt shows a table cell's tooltip on hover only, and gives a
// screen reader the cell's Qt::AccessibleDescriptionRole, not its tooltip.
#pragma once

class QTableWidget;

namespace tb::ui {

// Gives each cell of `table` that has a tooltip the same text, without its markup, as its
// accessible description: a disturbed run's warnings, a failed run's error, an interval, a
// published row's note. Call after filling the table.
void describeCellsByTheirToolTips(QTableWidget* table);

}  // namespace tb::ui
