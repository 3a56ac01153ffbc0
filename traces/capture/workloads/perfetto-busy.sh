# A Perfetto capture beside a text capture of the same events, on Debian unstable's 7.2 kernel.
# Debian unstable's perfetto 56 (perfetto, traced, traced_probes; capture-perfetto) records the
# cma/* events and ftrace/print markers through the top-level tracefs instance (it owns it: it
# sets the clock, clears and drains the buffer) into /out/trace.perfetto-trace; the same events go
# to a second tracefs instance, instances/cmascope (same trace_clock as Perfetto chose), whose
# text is trace.txt (lib.sh collect). Every marker is written to both instances. The workload is
# a small busy-retry one: a tmpfs fill lends the area to shmem, the module pins one LRU page per
# 512-page window, 512-page requests until one fails after retrying, two requests that fail,
# frees, unpin, the big requests succeed. Task names: sched/sched_switch (compact_sched: the
# comm of every task that runs), task/task_newtask and task/task_rename, and process_stats.
# capture-kernel: sid
# capture-mem: 512M
# capture-append: cma=96M
# capture-perfetto: yes
TI=$T/instances/cmascope
mark() {
    echo "$*" > $T/trace_marker
    echo "$*" > $TI/trace_marker
}
mkdir -p /tmp/perfetto
cat > /out/perfetto-config.pbtx <<'CFG'
buffers { size_kb: 32768 fill_policy: DISCARD }
data_sources {
  config {
    name: "linux.ftrace"
    ftrace_config {
      ftrace_events: "cma/*"
      ftrace_events: "ftrace/print"
      ftrace_events: "task/task_newtask"
      ftrace_events: "task/task_rename"
      ftrace_events: "sched/sched_switch"
      compact_sched { enabled: true }
      buffer_size_kb: 4096
      drain_period_ms: 200
    }
  }
}
data_sources {
  config {
    name: "linux.process_stats"
    process_stats_config { scan_all_processes_on_start: true }
  }
}
compression_type: COMPRESSION_TYPE_DEFLATE
CFG
traced > /out/traced.log 2>&1 &
TRACED=$!
traced_probes > /out/traced_probes.log 2>&1 &
PROBES=$!
sleep 2
perfetto --txt -c /out/perfetto-config.pbtx -o /out/trace.perfetto-trace > /out/perfetto.log 2>&1 &
PERFETTO=$!
# tracing has begun when traced_probes has enabled the cma events in the top-level instance
i=0
while [ "$(cat $T/events/cma/cma_release/enable)" != 1 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
echo "perfetto: cma events enabled after $i ticks; top-level trace_clock: $(cat $T/trace_clock)"
sleep 1
# the text instance: same events, the clock Perfetto chose
mkdir -p $TI
sed -n 's/.*\[\([a-z0-9-]*\)\].*/\1/p' $T/trace_clock > $TI/trace_clock
echo 4096 > $TI/buffer_size_kb
echo 1 > $TI/events/cma/enable
echo 1 > $TI/tracing_on
echo "text instance trace_clock: $(cat $TI/trace_clock)"
cmafree() { sed -n 's/^CmaFree: *//p' /proc/meminfo; }
checkpoint start
cma alloc reserved 1024 10 a0; echo "$LAST"
cma alloc reserved 100 0 a1; echo "$LAST"
mkdir -p /fill
mount -t tmpfs -o size=400m fill /fill
dd if=/dev/zero of=/fill/a bs=1M count=150 2>/dev/null
dd if=/dev/zero of=/fill/b bs=1M count=150 2>/dev/null
echo "after fill: CmaFree $(cmafree) MemFree $(sed -n 's/^MemFree: *//p' /proc/meminfo)"
checkpoint filled
cma pin reserved 512 64; echo "$LAST"
echo "pinned pages: $(wc -l < $C/pinned)"
checkpoint pinned
k=0
while [ $k -lt 40 ]; do
    cma alloc reserved 512 9 s$k; echo "$LAST"
    case $LAST in failed*) break ;; esac
    k=$((k + 1))
done
cma alloc reserved 1024 10 big0; echo "$LAST"
cma alloc reserved 64 6 p0; echo "$LAST"
cma free a1
checkpoint busy
cma unpin; echo "$LAST"
rm /fill/b
cma alloc reserved 1024 10 big1; echo "$LAST"
cma alloc reserved 2048 11 big2; echo "$LAST"
checkpoint unpinned
rm /fill/a
cma freeall
checkpoint end
echo 0 > $TI/tracing_on
sleep 1
kill -INT $PERFETTO
wait $PERFETTO
echo "perfetto exit $?: $(ls -l /out/trace.perfetto-trace)"
kill $PROBES $TRACED
grep -i -E 'overrun|lost|error' /out/perfetto.log || true
