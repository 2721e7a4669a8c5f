"""OpenCL through ctypes and libOpenCL.so.1 (the ICD loader) for the measuring scripts
(cl_launch_floor.py, cl_reduce_atomics.py): the first GPU device (or, with no GPU, the
first device of the first platform, e.g. PoCL, to check a script), a context, a profiling
queue, program builds with their log."""
import ctypes as C
import sys

CL_DEVICE_TYPE_GPU = 1 << 2
CL_DEVICE_TYPE_ALL = 0xFFFFFFFF
CL_DEVICE_NAME = 0x102B
CL_DEVICE_EXTENSIONS = 0x1030
CL_QUEUE_PROPERTIES = 0x1093
CL_QUEUE_PROFILING_ENABLE = 1 << 1
CL_MEM_READ_WRITE = 1
CL_PROFILING_COMMAND_START = 0x1282
CL_PROFILING_COMMAND_END = 0x1283
CL_PROGRAM_BUILD_LOG = 0x1183


def check(rc, what):
    if rc != 0:
        sys.exit(f"{what}: OpenCL error {rc}")


class Device:
    """`cl` (the library, return types set), `plat`, `dev`, `ctx`; `queue(profiling)`."""

    def __init__(self, allow_cpu=False):
        cl = C.CDLL("libOpenCL.so.1")
        for f in ("clCreateContext", "clCreateCommandQueueWithProperties", "clCreateProgramWithSource", "clCreateKernel", "clCreateBuffer"):
            getattr(cl, f).restype = C.c_void_p
        n = C.c_uint()
        plats = (C.c_void_p * 16)()
        check(cl.clGetPlatformIDs(16, plats, C.byref(n)), "clGetPlatformIDs")
        dev = C.c_void_p()
        plat = next((C.c_void_p(plats[i]) for i in range(min(n.value, 16)) if cl.clGetDeviceIDs(C.c_void_p(plats[i]), CL_DEVICE_TYPE_GPU, 1, C.byref(dev), None) == 0), None)
        if plat is None:
            if not allow_cpu or n.value == 0 or cl.clGetDeviceIDs(C.c_void_p(plats[0]), CL_DEVICE_TYPE_ALL, 1, C.byref(dev), None) != 0:
                sys.exit("no OpenCL GPU")
            plat = C.c_void_p(plats[0])
        self.cl, self.plat, self.dev = cl, plat, dev
        err = C.c_int()
        self.ctx = C.c_void_p(cl.clCreateContext(None, 1, C.byref(dev), None, None, C.byref(err)))
        check(err.value, "clCreateContext")

    def info(self, key):
        size = C.c_size_t()
        self.cl.clGetDeviceInfo(self.dev, key, 0, None, C.byref(size))
        buf = C.create_string_buffer(size.value + 1)
        self.cl.clGetDeviceInfo(self.dev, key, size, buf, None)
        return buf.value.decode(errors="replace")

    def queue(self, profiling):
        props = (C.c_ulong * 3)(CL_QUEUE_PROPERTIES, CL_QUEUE_PROFILING_ENABLE, 0) if profiling else (C.c_ulong * 1)(0)
        err = C.c_int()
        q = C.c_void_p(self.cl.clCreateCommandQueueWithProperties(self.ctx, self.dev, props, C.byref(err)))
        check(err.value, "queue")
        return q

    def build(self, source):
        """(program, None), or (None, the build log's last lines) when the build fails."""
        err = C.c_int()
        src = C.c_char_p(source)
        ln = C.c_size_t(len(source))
        prog = C.c_void_p(self.cl.clCreateProgramWithSource(self.ctx, 1, C.byref(src), C.byref(ln), C.byref(err)))
        check(err.value, "clCreateProgramWithSource")
        if self.cl.clBuildProgram(prog, 1, C.byref(self.dev), b"", None, None) != 0:
            log = C.create_string_buffer(8192)
            self.cl.clGetProgramBuildInfo(prog, self.dev, CL_PROGRAM_BUILD_LOG, 8192, log, None)
            return None, log.value.decode(errors="replace").strip().splitlines()[-3:]
        return prog, None

    def kernel(self, prog, name):
        err = C.c_int()
        k = C.c_void_p(self.cl.clCreateKernel(prog, name.encode(), C.byref(err)))
        check(err.value, f"kernel {name}")
        return k

    def buffer(self, size, what):
        err = C.c_int()
        b = C.c_void_p(self.cl.clCreateBuffer(self.ctx, CL_MEM_READ_WRITE, C.c_size_t(size), None, C.byref(err)))
        check(err.value, what)
        return b

    def span_us(self, event):
        """START..END of a finished event, in microseconds (the event is released)."""
        s, f = C.c_ulong(), C.c_ulong()
        self.cl.clGetEventProfilingInfo(event, CL_PROFILING_COMMAND_START, 8, C.byref(s), None)
        self.cl.clGetEventProfilingInfo(event, CL_PROFILING_COMMAND_END, 8, C.byref(f), None)
        self.cl.clReleaseEvent(event)
        return (f.value - s.value) / 1e3, s.value, f.value
