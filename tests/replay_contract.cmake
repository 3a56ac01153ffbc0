# CLI contract test of `cmascope-cli replay` (issue 5), run with cmake -P:
#   -DCLI=<cmascope-cli> -DCAPTURE=<traces/kernel/...> -DSNAPSHOT=<NN-name> -DMARKER=<text> -DOUT=<report.json>
# Replays trace.txt up to MARKER and compares the report's area with the kernel's debugfs snapshot
# byte for byte (bitmap) and by value (used, maxchunk); also checks the fidelity figures.
execute_process(
    COMMAND ${CLI} replay ${CAPTURE}/trace.txt --dmesg ${CAPTURE}/dmesg-cma.txt --until-marker ${MARKER} --report ${OUT}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "replay exited with ${rc}: ${err}")
endif()
file(READ ${OUT} report)
string(JSON bitmap GET "${report}" areas 0 bitmap)
string(JSON used GET "${report}" areas 0 used_pages)
string(JSON maxchunk GET "${report}" areas 0 maxchunk_pages)
string(JSON divergences GET "${report}" fidelity divergence_count)
string(JSON compared GET "${report}" fidelity compared)
string(JSON matched GET "${report}" fidelity matched)
file(READ ${CAPTURE}/snapshots/${SNAPSHOT}/reserved/bitmap expected_bitmap)
file(READ ${CAPTURE}/snapshots/${SNAPSHOT}/reserved/used expected_used)
file(READ ${CAPTURE}/snapshots/${SNAPSHOT}/reserved/maxchunk expected_maxchunk)
string(STRIP "${expected_used}" expected_used)
string(STRIP "${expected_maxchunk}" expected_maxchunk)
if(NOT "${bitmap}\n" STREQUAL "${expected_bitmap}")
    message(FATAL_ERROR "bitmap differs from ${SNAPSHOT}:\n${bitmap}\nexpected:\n${expected_bitmap}")
endif()
if(NOT used EQUAL expected_used OR NOT maxchunk EQUAL expected_maxchunk)
    message(FATAL_ERROR "used/maxchunk ${used}/${maxchunk}, expected ${expected_used}/${expected_maxchunk}")
endif()
if(NOT divergences EQUAL 0 OR compared EQUAL 0 OR NOT compared EQUAL matched)
    message(FATAL_ERROR "fidelity: ${matched} of ${compared} matched, ${divergences} divergences")
endif()
message(STATUS "${SNAPSHOT}: bitmap, used ${used}, maxchunk ${maxchunk} match; ${matched}/${compared} predicted")
