// SPDX-License-Identifier: GPL-2.0-or-later
#include <cmascope/model/platform.h>

#include <algorithm>

namespace cmascope {

namespace {
template <typename T> const T* findByName(const std::vector<T>& items, std::string_view name)
{
    const auto it = std::find_if(items.begin(), items.end(), [&](const T& item) { return item.name == name; });
    return it == items.end() ? nullptr : &*it;
}
} // namespace

const Region* Platform::findRegion(std::string_view regionName) const
{
    return findByName(regions, regionName);
}
const Device* Platform::findDevice(std::string_view deviceName) const
{
    return findByName(devices, deviceName);
}
const Bank* Platform::findBank(std::string_view bankName) const
{
    return findByName(banks, bankName);
}

void undoRangeSplits(Platform& platform)
{
    std::erase_if(platform.regions, [](const Region& r) { return !r.rangeOf.empty(); });
    for (Region& r : platform.regions) {
        if (r.split && r.size == r.split->first)
            r.size = r.split->declared;
        r.split.reset();
    }
}

} // namespace cmascope
