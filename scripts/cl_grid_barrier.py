#!/usr/bin/env python3
"""Measures, on the machine's first OpenCL GPU (NVIDIA: inline PTX), what one dependent
phase costs inside a persistent kernel, apart from its bytes: K phases, each streaming S
bytes split over G workgroups, with a grid-wide wait between phases (every workgroup
signals a per-phase counter when done; the next phase's workgroups wait for it to reach
G), against one pass over the same K x S bytes with no wait. (The "K launches" rows enqueue
K one-phase launches from Python, each after a buffer fill: they show the host's pace, not
a launch's cost; `cl_launch_floor.py` measures that.) The wait comes in four forms (every lane fences before the
signal or only the signalling lane's release orders; the polling lane sleeps 256 ns
between polls or spins), the first being what driftc's chained kernels do. With `early`,
each workgroup issues its next phase's first loads before it waits, as
`linear_matvec_early_loads` does. Each row: median START..END of 15 launches
(profiling events); "per phase" subtracts the one pass's time and divides by K.

    usage: cl_grid_barrier.py [K]

Uses only ctypes and libOpenCL.so.1 (the ICD loader), through cl_ctypes.py.
"""
import ctypes as C
import sys

from cl_ctypes import Device, check, CL_DEVICE_NAME

LANES = 256
UNROLL = 8
CL_DEVICE_MAX_COMPUTE_UNITS = 0x1002

SOURCE = """
#define LANES 256u
#define UNROLL 8u
#if EMULATED
#define SPIN_LIMIT 4194304u
uint ld_acquire(__global uint* c) {
    const uint v = atomic_or(c, 0u);
    mem_fence(CLK_GLOBAL_MEM_FENCE);
    return v;
}
void phase_done(__global uint* c, uint lane) {
    mem_fence(CLK_GLOBAL_MEM_FENCE);
    barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
    if (lane == 0u) {
        atomic_inc(c);
    }
}
#else
#define SPIN_LIMIT 65536u
uint ld_acquire(__global uint* c) {
    uint v;
    __asm__ __volatile__("ld.acquire.gpu.global.u32 %0, [%1];" : "=r"(v) : "l"((ulong)c) : "memory");
    return v;
}
void phase_done(__global uint* c, uint lane) {
#if ALL_FENCE
    __asm__ __volatile__("fence.acq_rel.gpu;" ::: "memory");
#endif
    barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
    if (lane == 0u) {
        __asm__ __volatile__("red.release.gpu.global.add.u32 [%0], 1;" :: "l"((ulong)c) : "memory");
    }
}
#endif
void phase_wait(__global uint* c, uint target, uint lane, __global uint* spun) {
    if (lane == 0u) {
        uint spins = ld_acquire(spun + 1) != 0u ? SPIN_LIMIT : 0u;
        for (; spins < SPIN_LIMIT && ld_acquire(c) < target; spins++) {
#if SLEEP && !EMULATED
            __asm__ __volatile__("nanosleep.u32 256;" ::: "memory");
#endif
        }
        if (spins == SPIN_LIMIT) {
            spun[1] = 1u;
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
}
__kernel __attribute__((reqd_work_group_size(256, 1, 1)))
void phases(__global const uint4* restrict w, __global uint* sync, __global uint* out, uint count, uint per_phase, uint early) {
    const uint lane = (uint)get_local_id(0);
    const uint g = (uint)get_group_id(0);
    const uint groups = (uint)get_num_groups(0);
    const uint slice = (per_phase + groups - 1u) / groups;
    uint4 acc = (uint4)(0u);
    for (uint k = 0u; k < count; k++) {
        const ulong phase = (ulong)k * per_phase;
        const uint lo = min(g * slice, per_phase);
        const uint hi = min(lo + slice, per_phase);
        uint4 first[UNROLL];
        uint start = lo;
        if (early != 0u) {
            for (uint u = 0u; u < UNROLL; u++) {
                const uint i = lo + u * LANES + lane;
                first[u] = i < hi ? w[phase + i] : (uint4)(0u);
            }
            start = lo + UNROLL * LANES;
        }
        if (k > 0u) {
            phase_wait(sync + k - 1u, groups, lane, out);
        }
        if (early != 0u) {
            for (uint u = 0u; u < UNROLL; u++) {
                acc ^= first[u];
            }
        }
        for (uint base = start; base < hi; base += UNROLL * LANES) {
            uint4 v[UNROLL];
            for (uint u = 0u; u < UNROLL; u++) {
                const uint i = base + u * LANES + lane;
                v[u] = i < hi ? w[phase + i] : (uint4)(0u);
            }
            for (uint u = 0u; u < UNROLL; u++) {
                acc ^= v[u];
            }
        }
        phase_done(sync + k, lane);
    }
    if ((acc.x ^ acc.y ^ acc.z ^ acc.w) == 0x9E3779B9u) {
        out[0] = acc.x;
    }
}
"""

FORMS = (("fence all, sleep (driftc)", 1, 1), ("fence all, spin", 1, 0), ("release only, sleep", 0, 1), ("release only, spin", 0, 0))


def allow_many(d):
    """Several workgroups per compute unit only on a GPU (a CPU device runs one per thread)."""
    ty = C.c_ulong()
    d.cl.clGetDeviceInfo(d.dev, 0x1000, C.sizeof(ty), C.byref(ty), None)
    return bool(ty.value & (1 << 2))


def main():
    phases = int(sys.argv[1]) if len(sys.argv) > 1 else 32
    d = Device(allow_cpu=True)
    cl = d.cl
    units = C.c_uint()
    cl.clGetDeviceInfo(d.dev, CL_DEVICE_MAX_COMPUTE_UNITS, 4, C.byref(units), None)
    print(f"device: {d.info(CL_DEVICE_NAME)}, {units.value} compute units, K = {phases} phases")
    queue = d.queue(True)
    kernels = {}
    for name, fence, sleep in FORMS:
        prog, log = d.build(f"#define EMULATED 0\n#define ALL_FENCE {fence}\n#define SLEEP {sleep}\n{SOURCE}".encode())
        if prog is None:
            # (No inline PTX, e.g. PoCL: OpenCL C atomics, to check the script.)
            prog, log = d.build(f"#define EMULATED 1\n#define ALL_FENCE {fence}\n#define SLEEP {sleep}\n{SOURCE}".encode())
            print(f"{name}: no inline PTX here; OpenCL C atomics instead (only checks the script)")
        if prog is None:
            sys.exit(f"build ({name}): {log}")
        kernels[name] = d.kernel(prog, "phases")
    sizes_mb = (0, 8, 32)
    weights = d.buffer(max(sizes_mb) * phases << 20, "weights")
    sync = d.buffer(4 * (phases + 1), "sync")
    out = d.buffer(16, "out")
    local = C.c_size_t(LANES)
    zero = C.c_uint(0)
    cl.clEnqueueFillBuffer(queue, weights, C.byref(zero), 4, 0, C.c_size_t(max(sizes_mb) * phases << 20), 0, None, None)
    cl.clFinish(queue)

    def enqueue(kernel, groups, count, per_phase, early, event):
        args = [(C.sizeof(C.c_void_p), C.byref(weights)), (C.sizeof(C.c_void_p), C.byref(sync)), (C.sizeof(C.c_void_p), C.byref(out)), (4, C.byref(C.c_uint(count))), (4, C.byref(C.c_uint(per_phase))), (4, C.byref(C.c_uint(early)))]
        for n, (size, value) in enumerate(args):
            check(cl.clSetKernelArg(kernel, n, size, value), "arg")
        check(cl.clEnqueueFillBuffer(queue, sync, C.byref(zero), 4, 0, C.c_size_t(4 * (phases + 1)), 0, None, None), "fill")
        g = C.c_size_t(groups * LANES)
        check(cl.clEnqueueNDRangeKernel(queue, kernel, 1, None, C.byref(g), C.byref(local), 0, None, event), "enqueue")

    def median(values):
        values.sort()
        return values[len(values) // 2]

    flag = C.c_uint(0)

    def timed(kernel, groups, count, per_phase, early):
        """The median span, or None when a wait spun out (a workgroup never started)."""
        spans = []
        cl.clEnqueueFillBuffer(queue, out, C.byref(zero), 4, 0, C.c_size_t(16), 0, None, None)
        for _ in range(15):
            e = C.c_void_p()
            enqueue(kernel, groups, count, per_phase, early, C.byref(e))
            cl.clFinish(queue)
            spans.append(d.span_us(e)[0])
            check(cl.clEnqueueReadBuffer(queue, out, 1, C.c_size_t(4), C.c_size_t(4), C.byref(flag), 0, None, None), "read")
            if flag.value:
                return None
        return median(spans)

    def launches(kernel, groups, per_phase):
        spans = []
        for _ in range(15):
            events = [C.c_void_p() for _ in range(phases)]
            for e in events:
                enqueue(kernel, groups, 1, per_phase, 0, C.byref(e))
            cl.clFinish(queue)
            times = [d.span_us(e) for e in events]
            spans.append((times[-1][2] - times[0][1]) / 1e3)
        return median(spans)

    # (NVIDIA's CL_KERNEL_WORK_GROUP_SIZE is the required size, no occupancy figure: two
    # per compute unit are tried on a GPU, and a grid that is not resident at once shows as
    # waits that spin out, each launch's later waits then skipped.)
    per_unit = 2 if allow_many(d) else 1
    print("| S per phase | G workgroups | wait form | early loads | K phases us | one pass us | per phase us beyond one pass | GB/s phased |")
    print("|---|---|---|---|---|---|---|---|")
    plain = kernels[FORMS[0][0]]
    for mb in sizes_mb:
        per_phase = (mb << 20) // 16
        for groups in [units.value * n for n in (1, 2) if n <= per_unit]:
            one = timed(plain, groups, 1, per_phase * phases, 0)
            many = launches(plain, groups, per_phase)
            print(f"| {mb} MB | {groups} | {phases} launches | - | {many:.1f} | {one:.1f} | {(many - one) / phases:.2f} | {mb * phases * 1.048576e6 / (many * 1e3):.0f} |", flush=True)
            for name, _, _ in FORMS:
                for early in ((0, 1) if mb > 0 else (0,)):
                    t = timed(kernels[name], groups, phases, per_phase, early)
                    if t is None:
                        print(f"| {mb} MB | {groups} | {name} | {'yes' if early else 'no'} | waits spun out | | | |", flush=True)
                        continue
                    print(f"| {mb} MB | {groups} | {name} | {'yes' if early else 'no'} | {t:.1f} | {one:.1f} | {(t - one) / phases:.2f} | {mb * phases * 1.048576e6 / (t * 1e3):.0f} |", flush=True)


if __name__ == "__main__":
    main()
