// SPDX-License-Identifier: GPL-2.0-or-later
// Editors for the step table's cells (ScenarioStepsModel): a combo box where the model offers choices (step
// types and regions: only those; devices, kinds and labels to free: those or any name typed), a line edit
// with an example of valid input otherwise. A choice picked from the list is committed at once.
#pragma once

#include <QStyledItemDelegate>

namespace cmascope::views {

class StepItemDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    void setEditorData(QWidget* editor, const QModelIndex& index) const override;
    void setModelData(QWidget* editor, QAbstractItemModel* model, const QModelIndex& index) const override;
};

} // namespace cmascope::views
