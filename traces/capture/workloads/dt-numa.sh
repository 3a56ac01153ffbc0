# Four CMA areas that are not from cma=: two device-tree reserved-memory shared-dma-pool nodes
# (dt-numa.dts, appended to QEMU's own device tree) - the default area `linux,cma` (16 MiB, placed
# by the kernel, linux,cma-default) and `camera@70000000` (8 MiB at a fixed address, used only by
# the module) - and two NUMA nodes (3 and 2 GiB) with a hugetlb_cma area on each (hugetlb0,
# hugetlb1: 1 GiB at a 1 GiB boundary, order_per_bit 9; node 0 needs 3 GiB: the 1 GiB block at
# the top of a 2 GiB node 0 already holds NODE_DATA(0) when hugetlb_cma reserves, and the one
# below holds the kernel). Debian's 6.12 arm64 kernel has no CONFIG_DMA_NUMA_CMA, so
# cma_pernuma=/numa_cma= are not available; the per-node hugetlb_cma areas are the per-NUMA ones.
# Traced from boot (the DMA atomic pools come from linux,cma). Scripted allocations on the DT
# pools, dma_alloc_coherent (default area), a short stress loop on camera@70000000, 32 MiB
# hugepages on each node through /sys/devices/system/node/nodeN, a 1 GiB page on node 1.
# capture-mem: 5G
# capture-qemu: -object memory-backend-ram,id=m0,size=3G -numa node,nodeid=0,cpus=0,memdev=m0 -object memory-backend-ram,id=m1,size=2G -numa node,nodeid=1,cpus=1,memdev=m1
# capture-dt: dt-numa.dts
# capture-append: hugetlb_cma=0:1G,1:1G trace_event=cma:* trace_buf_size=8M
N=/sys/devices/system/node
hp() { # hp NODE SIZE N
    echo "$3" > $N/node$1/hugepages/hugepages-$2/nr_hugepages
    echo "node$1 hugepages-$2 -> $(cat $N/node$1/hugepages/hugepages-$2/nr_hugepages)"
}
echo "areas: $(ls $C/areas | tr '\n' ' ')"
checkpoint boot
i=0
for spec in "1 0" "100 4" "511 8" "512 9" "600 2" "1024 10" "33 5" "2000 0"; do
    set -- $spec
    cma alloc linux,cma $1 $2 d$i; echo "$LAST"
    cma alloc camera@70000000 $1 $2 c$i; echo "$LAST"
    i=$((i + 1))
done
cma dma dma0 40000; echo "$LAST"
cma dma dma1 1048576; echo "$LAST"
checkpoint scripted
cma free d1; cma free c1; cma free d4; cma free c3; cma freepart c2 300; echo "$LAST"
cma alloc camera@70000000 50 0 c20; echo "$LAST"
cma alloc linux,cma 700 3 d20; echo "$LAST"
checkpoint holes
cma stress camera@70000000 300 7 40 512; echo "$LAST"
checkpoint stressed
hp 0 32768kB 3
hp 1 32768kB 5
checkpoint hp32m
cma alloc hugetlb1 100 0 h0; echo "$LAST"
cma alloc hugetlb0 8192 13 h1; echo "$LAST"
hp 0 32768kB 1
checkpoint hp32m-less
hp 1 32768kB 0
cma free h0
hp 1 1048576kB 1
checkpoint hp1g-node1
hp 1 1048576kB 0
hp 0 32768kB 0
cma freeall
checkpoint end
