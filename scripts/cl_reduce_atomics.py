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

Uses only ctypes and libOpenCL.so.1 (the ICD loader).
"""
import ctypes as C
import sys

CL_DEVICE_TYPE_GPU = 1 << 2
CL_DEVICE_NAME = 0x102B
CL_QUEUE_PROPERTIES = 0x1093
CL_QUEUE_PROFILING_ENABLE = 1 << 1
CL_MEM_READ_WRITE = 1
CL_PROFILING_COMMAND_START = 0x1282
CL_PROFILING_COMMAND_END = 0x1283
CL_PROGRAM_BUILD_LOG = 0x1183

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


def check(rc, what):
    if rc != 0:
        sys.exit(f"{what}: OpenCL error {rc}")


def main():
    cl = C.CDLL("libOpenCL.so.1")
    n = C.c_uint()
    plats = (C.c_void_p * 16)()
    check(cl.clGetPlatformIDs(16, plats, C.byref(n)), "clGetPlatformIDs")
    dev = C.c_void_p()
    if not any(cl.clGetDeviceIDs(C.c_void_p(plats[i]), CL_DEVICE_TYPE_GPU, 1, C.byref(dev), None) == 0 for i in range(min(n.value, 16))):
        sys.exit("no OpenCL GPU")
    name = C.create_string_buffer(256)
    cl.clGetDeviceInfo(dev, CL_DEVICE_NAME, 256, name, None)
    print(f"device: {name.value.decode(errors='replace')}")
    err = C.c_int()
    cl.clCreateContext.restype = C.c_void_p
    ctx = C.c_void_p(cl.clCreateContext(None, 1, C.byref(dev), None, None, C.byref(err)))
    check(err.value, "clCreateContext")
    cl.clCreateCommandQueueWithProperties.restype = C.c_void_p
    props = (C.c_ulong * 3)(CL_QUEUE_PROPERTIES, CL_QUEUE_PROFILING_ENABLE, 0)
    queue = C.c_void_p(cl.clCreateCommandQueueWithProperties(ctx, dev, props, C.byref(err)))
    check(err.value, "queue")
    cl.clCreateProgramWithSource.restype = C.c_void_p
    cl.clCreateKernel.restype = C.c_void_p

    def build(source):
        src = C.c_char_p(source)
        ln = C.c_size_t(len(source))
        prog = C.c_void_p(cl.clCreateProgramWithSource(ctx, 1, C.byref(src), C.byref(ln), C.byref(err)))
        if cl.clBuildProgram(prog, 1, C.byref(dev), b"", None, None) != 0:
            log = C.create_string_buffer(8192)
            cl.clGetProgramBuildInfo(prog, dev, CL_PROGRAM_BUILD_LOG, 8192, log, None)
            return None, log.value.decode(errors="replace").strip().splitlines()[-3:]
        return prog, None

    prog, log = build(COMMON)
    if prog is None:
        sys.exit(f"build: {log}")
    kernels = {k: C.c_void_p(cl.clCreateKernel(prog, k.encode(), C.byref(err))) for k in ("stores", "red")}
    for spelling in ("red.global.add.v4.f32", "red.global.v4.f32.add", "red.relaxed.gpu.global.add.v4.f32"):
        p, log = build(V4.replace("SPELLING", spelling).encode())
        if p is None:
            print(f"{spelling}: refused ({' / '.join(log)})")
            continue
        print(f"{spelling}: builds")
        kernels["red_v4"] = C.c_void_p(cl.clCreateKernel(p, b"red_v4", C.byref(err)))
        break
    cl.clCreateBuffer.restype = C.c_void_p
    most = 4096 * 4096 * 4
    buf = C.c_void_p(cl.clCreateBuffer(ctx, CL_MEM_READ_WRITE, C.c_size_t(most), None, C.byref(err)))
    check(err.value, "buffer")
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
            s, f = C.c_ulong(), C.c_ulong()
            cl.clGetEventProfilingInfo(e, CL_PROFILING_COMMAND_START, 8, C.byref(s), None)
            cl.clGetEventProfilingInfo(e, CL_PROFILING_COMMAND_END, 8, C.byref(f), None)
            spans.append((f.value - s.value) / 1e3)
            cl.clReleaseEvent(e)
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
