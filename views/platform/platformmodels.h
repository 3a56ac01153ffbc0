// SPDX-License-Identifier: GPL-2.0-or-later
// Item models of the platform editor, in one include: the cell input parsers and spellings, the validation
// messages, and one editable table per collection of the platform (banks, regions, devices, kinds, map
// rules) over their common base (platform/platformtablemodel.h).
#pragma once

#include "platform/banktablemodel.h"
#include "platform/cellinput.h"
#include "platform/devicetablemodel.h"
#include "platform/kindtablemodel.h"
#include "platform/platformdiagnostics.h"
#include "platform/platformtablemodel.h"
#include "platform/regiontablemodel.h"
#include "platform/ruletablemodel.h"
