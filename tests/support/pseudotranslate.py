#!/usr/bin/env python3
# A pseudo-translation of the translation template (app/CMakeLists.txt): every message "translated" as itself in
# brackets, "[&File]", placeholders and mnemonics kept. The app run with it shows every string that goes through
# tr() in brackets: a string that shows without them is not translatable (tests/app/gui/tst_translations.cpp).
# Usage: pseudotranslate.py TEMPLATE.ts OUT.ts
import sys
import xml.etree.ElementTree as ET

tree = ET.parse(sys.argv[1])
root = tree.getroot()
root.set("language", "en_XA")  # the pseudo-locale's conventional name
for message in root.iter("message"):
    source = message.findtext("source") or ""
    translation = message.find("translation")
    if translation is None:
        translation = ET.SubElement(message, "translation")
    translation.attrib.pop("type", None)  # finished: lrelease keeps it
    if message.get("numerus") == "yes":
        for form in list(translation):
            translation.remove(form)
        for _ in range(2):
            ET.SubElement(translation, "numerusform").text = "[" + source + "]"
    else:
        translation.text = "[" + source + "]"
tree.write(sys.argv[2], encoding="utf-8", xml_declaration=True)
