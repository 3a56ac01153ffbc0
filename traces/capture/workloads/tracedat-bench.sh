# A large trace.dat for tests/bench/bench_tracedat (the issue: "trace.dat import no slower than
# trace-cmd report on the same file"): Debian's trace-cmd 3.1.6 records the cma events
# (`trace-cmd record -e cma`) while the module's `stress` command makes OPS cma_alloc/cma_release
# operations in a loop inside the kernel (see module/cmascope_cma.c do_stress(): xorshift64* from
# SEED, at most 400 live, 1-64 pages or 1 in 8 up to 2048, align min(8, ceil(log2 count))) on the
# default area (cma=256M, 65536 pages). OPS=666000 gives about 1,000,000 cma events (start +
# finish per request, one release per release). Snapshots: 00-start right after recording began
# (the boot-time DMA atomic pools are already in the area: replay with --debugfs of it),
# 01-stressed (the survivors), 02-end (all freed). The output is large: run it with an OUTDIR
# outside the repository. bench_ops=N / bench_seed=N on the kernel command line (CMASCOPE_APPEND)
# override OPS / SEED.
# capture-mem: 3G
# capture-append: cma=256M
# capture-trace-cmd: yes
# capture-disk: 256M
OPS=${bench_ops:-666000}
BSEED=${bench_seed:-20261125}
if [ -n "${BENCH_INNER:-}" ]; then
    # run by trace-cmd record (tracing is on)
    . /lib.sh
    checkpoint start
    mark "stress reserved ops=$OPS seed=$BSEED maxlive=400 maxcount=2048"
    t0=$(date +%s)
    cma stress reserved $OPS $BSEED 400 2048; echo "$LAST"
    echo "stress: $(( $(date +%s) - t0 )) s"
    checkpoint stressed
    cma freeall
    checkpoint end
    exit 0
fi
command -v trace-cmd > /dev/null || { echo "trace-cmd missing (capture-trace-cmd: yes)"; exit 1; }
echo "trace-cmd: $(trace-cmd --version 2>&1 | grep -m1 version)"
t0=$(date +%s)
BENCH_INNER=1 trace-cmd record -e cma -b 98304 -o /out/trace.dat sh /workloads/tracedat-bench.sh
echo "trace-cmd record exit $? after $(( $(date +%s) - t0 )) s"
ls -l /out/trace.dat
echo 0 > $T/tracing_on
