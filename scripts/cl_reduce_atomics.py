#!/usr/bin/env python3
"""Measures, on the machine's first OpenCL GPU (NVIDIA: inline PTX), what summing G
workgroups' partial vectors of N floats into one vector costs by reduction atomics in the
L2, against writing the partials with plain stores: the price of folding a decode step's
down projection into its gate/up kernel as split-K partial sums (each gate/up workgroup
multiplies its slice of the hidden row by its columns of the down weights and adds the N
results into the output). Kernels: `stores` (partials to a G x N buffer), `red` (PTX
red.global.add.f32 per float), `red_v4` (four floats per reduction, sm_90; both PTX
spellings tried). Each row: median START..END of 20 launches (profiling events).

    usage: cl_reduce_atomics.py

Uses only ctypes and libOpenCL.so.1 (the ICD loader), through cl_ctypes.py.
"""
import ctypes as C
import sys

from cl_ctypes import Device, check, CL_DEVICE_NAME

COMMON = b"""
__kernel void stores(__global float* restrict out, uint n) {
    const uint g = get_group_id(0);
    for (uint i = get_local_id(0); i < n; i += get_local_size(0)) {
        out[(ulong)g * n + i] = (float)(i ^ g) * 1e-3f;
    }
}
__kernel void red(__global float* y, uint n) {
    const uint g = get_group_id(0);
    for (uint i = get_local_id(0); i < n; i += get_local_size(0)) {
        const float v = (float)(i ^ g) * 1e-3f;
        __asm__ __volatile__("red.global.add.f32 [%0], %1;" :: "l"((ulong)(y + i)), "f"(v) : "memory");
    }
}
"""

V4 = """
__kernel void red_v4(__global float* y, uint n) {
    const uint g = get_group_id(0);
    for (uint i = get_local_id(0); i < n / 4u; i += get_local_size(0)) {
        const float a = (float)((4u * i) ^ g) * 1e-3f, b = a + 1e-3f, c = a + 2e-3f, d = a + 3e-3f;
        __asm__ __volatile__("SPELLING [%0], {%1, %2, %3, %4};" :: "l"((ulong)(y + 4u * i)), "f"(a), "f"(b), "f"(c), "f"(d) : "memory");
    }
}
"""


def main():
    d = Device()
    cl = d.cl
    print(f"device: {d.info(CL_DEVICE_NAME)}")
    queue = d.queue(True)
    prog, log = d.build(COMMON)
    if prog is None:
        sys.exit(f"build: {log}")
    kernels = {k: d.kernel(prog, k) for k in ("stores", "red")}
    for spelling in ("red.global.add.v4.f32", "red.global.v4.f32.add", "red.relaxed.gpu.global.add.v4.f32"):
        p, log = d.build(V4.replace("SPELLING", spelling).encode())
        if p is None:
            print(f"{spelling}: refused ({' / '.join(log)})")
            continue
        print(f"{spelling}: builds")
        kernels["red_v4"] = d.kernel(p, "red_v4")
        break
    most = 4096 * 4096 * 4
    buf = d.buffer(most, "buffer")
    local = C.c_size_t(256)

    def timed(kernel, groups, count):
        nn = C.c_uint(count)
        check(cl.clSetKernelArg(kernel, 0, C.sizeof(C.c_void_p), C.byref(buf)), "arg")
        check(cl.clSetKernelArg(kernel, 1, 4, C.byref(nn)), "arg")
        g = C.c_size_t(groups * 256)
        spans = []
        for _ in range(21):
            e = C.c_void_p()
            check(cl.clEnqueueNDRangeKernel(queue, kernel, 1, None, C.byref(g), C.byref(local), 0, None, C.byref(e)), "enqueue")
            cl.clFinish(queue)
            spans.append(d.span_us(e)[0])
        spans.sort()
        return spans[len(spans) // 2]

    print("| N floats | G workgroups | stores us | red us | red_v4 us | reductions per us (red) |")
    print("|---|---|---|---|---|---|")
    for count in (2048, 4096):
        for groups in (128, 224, 512, 896, 1792, 4096):
            if groups * count * 4 > most:
                continue
            st = timed(kernels["stores"], groups, count)
            rd = timed(kernels["red"], groups, count)
            v4 = timed(kernels["red_v4"], groups, count) if "red_v4" in kernels else float("nan")
            print(f"| {count} | {groups} | {st:.1f} | {rd:.1f} | {v4:.1f} | {groups * count / rd:.0f} |", flush=True)


if __name__ == "__main__":
    main()
