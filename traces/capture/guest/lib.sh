# Guest-side helpers for the workloads (busybox sh). Sourced before a workload.
T=/sys/kernel/tracing
C=/sys/kernel/debug/cmascope
CP=0

# cma COMMAND...: one command of the cmascope_cma module (see module/cmascope_cma.c)
cma() {
    echo "$*" > $C/ctl || echo "cma $*: failed"
    LAST=$(cat $C/last)
}

# mark TEXT: a line in the trace (tracing_mark_write)
mark() { echo "$*" > $T/trace_marker; }

# rnd N: R = pseudo-random number in [0, N) (a fixed LCG, so a workload repeats itself)
SEED=${SEED:-20261125}
rnd() {
    SEED=$(( (SEED * 1103515245 + 12345) % 2147483648 ))
    R=$(( (SEED / 65536) % $1 ))
}

# checkpoint NAME: snapshot every CMA area between CHECKPOINT NAME begin/end markers
checkpoint() {
    d=/out/snapshots/$(printf %02d $CP)-$1
    mark "CHECKPOINT $1 begin"
    mkdir -p $d
    for a in $C/areas/*; do
        n=${a##*/}
        mkdir -p $d/$n
        for f in base_pfn count order_per_bit used maxchunk bitmap allocs; do
            cat $a/$f > $d/$n/$f
        done
        # 6.15+: one directory per physical range (base_pfn, count, bitmap; see the module)
        if [ -d $a/ranges ]; then
            for r in $a/ranges/*; do
                mkdir -p $d/$n/ranges/${r##*/}
                for f in base_pfn count bitmap; do cat $r/$f > $d/$n/ranges/${r##*/}/$f; done
            done
        fi
    done
    # CMA_SYSFS counters (a file, not a directory: directories of a snapshot are areas)
    if [ -d /sys/kernel/mm/cma ]; then
        for a in /sys/kernel/mm/cma/*; do
            for f in $a/*; do [ -f $f ] && echo "${a##*/} ${f##*/} $(cat $f)"; done
        done > $d/cma-sysfs.txt
    fi
    cat /proc/meminfo > $d/meminfo.txt
    # what a user reads when an allocation fails (docs/evidence-imports.md)
    cat /proc/vmstat > $d/vmstat.txt
    [ -r /proc/pagetypeinfo ] && cat /proc/pagetypeinfo > $d/pagetypeinfo.txt
    grep Cma /proc/meminfo > $d/meminfo_cma.txt
    for h in /sys/kernel/mm/hugepages/hugepages-*; do
        echo "${h##*/} nr=$(cat $h/nr_hugepages) free=$(cat $h/free_hugepages)"
    done > $d/hugepages.txt
    cat $C/dma_allocs > $d/dma_allocs
    mark "CHECKPOINT $1 end"
    echo "$(printf %02d $CP)-$1 $1" >> /out/checkpoints.list
    CP=$((CP + 1))
}

# trace_on: start tracing CMA events now (workloads that boot without trace_event=)
trace_on() {
    echo 8192 > $T/buffer_size_kb
    echo > $T/trace
    echo 1 > $T/events/cma/enable
    echo 1 > $T/tracing_on
}

# wait_for FILE... : up to 60 s for files to appear
wait_for() {
    i=0
    for f in "$@"; do
        while [ ! -e "$f" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
    done
}

# collect: what every capture keeps (run by init after the workload)
collect() {
    # a workload that leaves the top-level instance to Perfetto traces as text in instances/cmascope
    TT=$T
    [ -d $T/instances/cmascope ] && TT=$T/instances/cmascope
    echo 0 > $TT/tracing_on
    cat $TT/trace > /out/trace.txt
    dmesg > /out/dmesg-full.txt
    cat /proc/cmdline > /out/cmdline.txt
    uname -a > /out/uname.txt
    # range bases of the reservations (the boot log does not print them on 6.15+)
    [ -r /sys/kernel/debug/memblock/reserved ] && cat /sys/kernel/debug/memblock/reserved > /out/memblock-reserved.txt
    [ -r /sys/kernel/debug/memblock/memory ] && cat /sys/kernel/debug/memblock/memory > /out/memblock-memory.txt
    cat /proc/iomem > /out/iomem.txt 2>/dev/null
    for f in $T/events/cma/*/format; do
        echo "== $f"
        cat $f
    done > /out/cma-event-formats.txt
}
