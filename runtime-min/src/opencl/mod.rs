//! The OpenCL executor (feature `opencl`, opencl3 0.12 loading `libOpenCL.so.1` at run time).
//!
//! [`Device::pick`] reads the device's limits without creating anything; the session
//! verifies the bundle against them, then [`Executor::new`] checks every kernel (language,
//! source, argument bytes), every pool (CL_DEVICE_MAX_MEM_ALLOC_SIZE) and every dispatch's
//! global size, and only then creates OpenCL objects, in this order: a context, an in-order
//! command queue with profiling, one program per kernel built from its OpenCL C source,
//! one `CL_MEM_READ_WRITE` buffer per pool (exactly the pool's size) or, for an image pool,
//! one `CL_MEM_READ_WRITE` 2D image of its geometry (`CL_R`, `CL_FLOAT` or `CL_HALF_FLOAT`),
//! the activations buffers filled with zeros, the weights upload, and per dispatch its
//! sub-buffers (origin = binding offset, size = binding size; identical ranges share one; an
//! image is bound itself) and one `cl_kernel` with every argument set. `Drop` finishes the
//! queue and releases them in reverse order. Chained runs (`Backend::enqueue_chained`) move
//! their host bytes through pinned slots (`staging`).
//!
//! A run enqueues the input writes, every dispatch of the program in order (global size =
//! grid × workgroup size, local size = workgroup size), and the output reads on the in-order
//! queue, then waits once: no planning or argument setting at run time. An in-order queue
//! completes each command before the next starts, so `barrier_before` needs no command.
//! GPU time is the end of the last dispatch minus the start of the first, from profiling
//! events, which only those two dispatches ask for (an event per dispatch left NVIDIA's GPU
//! waiting between kernels); with `SessionOptions::profile` every dispatch's event is kept
//! and its own execution time (end minus start) is the dispatch's time. `SessionOptions::force_staging`
//! has no meaning here (OpenCL moves host data with its own transfer commands) and is
//! ignored.

mod device;
mod handles;
mod kernels;
mod ptx;
mod residency;
mod side;
mod staging;

pub(crate) use device::Device;
pub use handles::live_objects;

use crate::bundle::{BundleError, DeviceLimits, ElemType, ImageGeometry, Manifest, PoolRole};
use crate::error::{Error, Result};
use crate::session::{Backend, IoSlot};
use handles::{cl_error, Context, Event, Kernel, Mem, Program, Queue};
use opencl3::command_queue::{create_command_queue, enqueue_copy_buffer, enqueue_fill_buffer, enqueue_marker_with_wait_list, enqueue_nd_range_kernel, enqueue_read_buffer, enqueue_write_buffer, finish, flush, CL_QUEUE_PROFILING_ENABLE};
use opencl3::context::context::create_context;
use opencl3::event::{get_event_profiling_data, wait_for_events, CL_PROFILING_COMMAND_END, CL_PROFILING_COMMAND_START};
use opencl3::memory::{create_buffer, create_image, create_sub_buffer, CL_BUFFER_CREATE_TYPE_REGION, CL_FLOAT, CL_HALF_FLOAT, CL_MEM_OBJECT_IMAGE2D, CL_MEM_READ_WRITE, CL_R};
use opencl3::types::{cl_buffer_region, cl_command_queue, cl_event, cl_image_desc, cl_image_format, cl_mem, cl_uint, CL_FALSE, CL_TRUE};
use std::collections::{HashMap, VecDeque};
use std::ffi::c_void;

fn invalid(field: String, message: impl Into<String>) -> Error {
    Error::Bundle(BundleError::Invalid { field, message: message.into() })
}

fn to_usize(v: u64, what: &str) -> Result<usize> {
    usize::try_from(v).map_err(|_| Error::Unsupported { what: format!("{what}: {v} does not fit this host's usize") })
}

/// One dispatch, ready to enqueue.
struct Step {
    kernel: Kernel,
    global: [usize; 3],
    local: [usize; 3],
    /// "programs[p].dispatches[d] 'label'", for errors at run time.
    path: String,
}

pub(crate) struct Executor {
    // Released by `Drop` in reverse creation order: steps, sub-buffers, pools, built
    // programs; then the fields below drop in declaration order (queue, then context).
    steps: Vec<Vec<Step>>,
    sub_buffers: Vec<Mem>,
    /// `None` for a pool of zero bytes (OpenCL has no empty buffers; nothing binds it).
    pools: Vec<Option<Mem>>,
    built: Vec<Program>,
    /// Per kernel, its registers per work-item where it is co-resident and the NVIDIA
    /// assembler says (`residency`).
    registers: Vec<Option<u64>>,
    /// Per program, where its side dispatches run (`side`); `None` when it has none.
    side_plans: Vec<Option<side::SidePlan>>,
    /// The second queue, where a program has side dispatches and the device gave one.
    side_queue: Option<Queue>,
    queue: Queue,
    context: Context,
    device: Device,
    profiling: bool,
    /// Keep every dispatch's event (`SessionOptions::profile`).
    per_dispatch: bool,
    /// Each dispatch's nanoseconds in the last run, when `per_dispatch` and profiling.
    last_dispatch_ns: Option<Vec<u64>>,
    inputs: Vec<IoSlot>,
    outputs: Vec<IoSlot>,
    /// Per program, its positions in `inputs` and `outputs` (only those move).
    program_io: Vec<(Vec<usize>, Vec<usize>)>,
    allocated: u64,
    /// Chained runs in flight, oldest first (`Backend::enqueue_chained`).
    chained: VecDeque<Chained>,
    /// Pinned host memory for chained runs' transfers, made at the first chained run;
    /// `Err(())` once making it failed (runs then move pageable bytes).
    staging: Option<std::result::Result<staging::Staging, ()>>,
    /// Per kernel, what the driver reports of its build (`SessionOptions::pipeline_statistics`).
    statistics: Vec<Vec<(String, String)>>,
    /// Kernels launched with fewer workgroups than the bundle records (co-resident kernels
    /// past what the device holds at once): kernel index, the first such dispatch's note,
    /// and how many dispatches of it were cut.
    launch_notes: Vec<(usize, String, usize)>,
}

/// Offset and length in its run's staging slot: where a chained run's read landed.
type StagedRead = (usize, usize);

/// A chained run in flight: the host bytes its non-blocking writes read, and the output
/// bytes its non-blocking read fills (both must outlive the queue's use of them), and the
/// read's event.
struct Chained {
    _inputs: Vec<Vec<u8>>,
    out: Vec<u8>,
    /// The staging slot its transfers use, if any (free again once it is waited for).
    slot: Option<usize>,
    /// Where in `slot` the read landed instead of `out`.
    staged_out: Option<StagedRead>,
    read: Event,
}

// SAFETY: every OpenCL API call is thread-safe except clSetKernelArg on one kernel from
// several threads (OpenCL 3.0 §A.2); kernel arguments are set only in `Executor::new`, and
// a run needs `&mut self`, so moving the executor to another thread is sound. The handles
// are plain pointers owned by this value alone; the device id is a root device, which is
// not reference counted and stays valid on any thread.
unsafe impl Send for Executor {}

impl Executor {
    /// Creates every OpenCL object for `m`. The caller has verified `m` against
    /// `device.limits`; the OpenCL-specific checks here also run before any object exists.
    pub(crate) fn new(device: Device, m: &Manifest, kernels_section: &[u8], weights_section: &[u8], inputs: &[IoSlot], outputs: &[IoSlot], per_dispatch: bool, statistics: bool) -> Result<Self> {
        let mut checked = Vec::with_capacity(m.kernels.len());
        for (i, k) in m.kernels.iter().enumerate() {
            checked.push(kernels::check_kernel(&device, i, k, kernels_section)?);
        }
        for (i, p) in m.pools.iter().enumerate() {
            if p.size > device.max_alloc_bytes {
                return Err(invalid(format!("pools[{i}] '{}'.size", p.name), format!("{} bytes exceeds the device's largest buffer, {} (CL_DEVICE_MAX_MEM_ALLOC_SIZE)", p.size, device.max_alloc_bytes)));
            }
            to_usize(p.size, "pool size")?;
        }
        let sizes = global_sizes(&device, m)?;

        let context = Context::own(create_context(&[device.id], std::ptr::null(), None, std::ptr::null_mut()).map_err(|c| cl_error("clCreateContext", &device.name, c))?);
        // SAFETY: `device.id` is the one device `context` was created for.
        let (queue, profiling) = match unsafe { create_command_queue(context.raw(), device.id, CL_QUEUE_PROFILING_ENABLE) } {
            Ok(q) => (q, true),
            // SAFETY: as above; a queue without profiling still runs, only untimed.
            Err(_) => (unsafe { create_command_queue(context.raw(), device.id, 0) }.map_err(|c| cl_error("clCreateCommandQueue", &device.name, c))?, false),
        };
        let mut ex = Executor {
            steps: Vec::with_capacity(m.programs.len()),
            sub_buffers: Vec::new(),
            pools: Vec::with_capacity(m.pools.len()),
            built: Vec::with_capacity(m.kernels.len()),
            registers: Vec::with_capacity(m.kernels.len()),
            side_plans: m.programs.iter().map(|p| side::SidePlan::of(&m.kernels, p)).collect(),
            side_queue: None,
            queue: Queue::own(queue),
            context,
            device,
            profiling,
            per_dispatch,
            last_dispatch_ns: None,
            inputs: inputs.to_vec(),
            outputs: outputs.to_vec(),
            program_io: m.programs.iter().map(|p| (p.inputs.iter().map(|&i| i as usize).collect(), p.outputs.iter().map(|&i| i as usize).collect())).collect(),
            allocated: 0,
            chained: VecDeque::new(),
            staging: None,
            statistics: Vec::new(),
            launch_notes: Vec::new(),
        };
        // From here on, an early return drops `ex`, which releases what exists so far.
        for (i, (k, c)) in m.kernels.iter().zip(&checked).enumerate() {
            let program = kernels::build(&ex.context, &ex.device, i, k, c.source, &c.entry)?;
            // One uncached verbose build (NVIDIA) serves both the statistics and the
            // co-residency check.
            let verbose = if (statistics || k.co_resident) && ex.device.nv_compiler_options { kernels::nv_assembler_log(&ex.context, &ex.device, i, k, c.source) } else { None };
            if statistics {
                ex.statistics.push(kernels::statistics(&ex.device, k, &c.entry, &program, verbose.as_deref()));
            }
            ex.built.push(program);
            ex.registers.push(verbose.as_deref().filter(|_| k.co_resident).and_then(|log| kernels::entry_registers(log, &k.entry)));
        }
        for (i, p) in m.pools.iter().enumerate() {
            if p.size == 0 {
                ex.pools.push(None);
                continue;
            }
            if let Some(img) = &p.image {
                let raw = ex.create_image(i, &p.name, img)?;
                ex.pools.push(Some(Mem::own(raw)));
                ex.allocated = ex.allocated.saturating_add(p.size);
                continue;
            }
            // SAFETY: no host pointer is passed, so no host-pointer flag is; READ_WRITE alone is valid.
            let raw = unsafe { create_buffer(ex.context.raw(), CL_MEM_READ_WRITE, to_usize(p.size, "pool size")?, std::ptr::null_mut()) }
                .map_err(|c| cl_error("clCreateBuffer", format!("pools[{i}] '{}' ({} bytes)", p.name, p.size), c))?;
            ex.pools.push(Some(Mem::own(raw)));
            ex.allocated = ex.allocated.saturating_add(p.size);
        }
        ex.zero_activations(m)?;
        ex.upload_weights(m, weights_section)?;
        ex.create_steps(m, &checked, &sizes)?;
        if ex.side_plans.iter().any(Option::is_some) {
            // Without a second queue, side dispatches run in their places on the first.
            let props = if ex.profiling { CL_QUEUE_PROFILING_ENABLE } else { 0 };
            // SAFETY: `device.id` is the one device the context was created for.
            ex.side_queue = unsafe { create_command_queue(ex.context.raw(), ex.device.id, props) }.ok().map(Queue::own);
        }
        Ok(ex)
    }

    /// A 2D image for image pool `i` (geometry verified against the device's limits).
    fn create_image(&self, i: usize, name: &str, img: &ImageGeometry) -> Result<cl_mem> {
        let what = format!("pools[{i}] '{name}' ({}x{} image of {:?})", img.width, img.height, img.elem);
        let data_type = match img.elem {
            ElemType::F32 => CL_FLOAT,
            ElemType::F16 => CL_HALF_FLOAT,
            other => return Err(invalid(format!("pools[{i}] '{name}'.image.elem"), format!("{other:?} texels are not supported"))),
        };
        let format = cl_image_format { image_channel_order: CL_R, image_channel_data_type: data_type };
        // SAFETY: an all-zero cl_image_desc is valid (no buffer, no pitches, no mip levels);
        // the fields set below describe a plain 2D image.
        let mut desc: cl_image_desc = unsafe { std::mem::zeroed() };
        desc.image_type = CL_MEM_OBJECT_IMAGE2D;
        desc.image_width = to_usize(u64::from(img.width), &what)?;
        desc.image_height = to_usize(u64::from(img.height), &what)?;
        // SAFETY: `format` and `desc` live across the call; no host pointer is passed, so
        // no host-pointer flag is. Both dimensions are within CL_DEVICE_IMAGE2D_MAX_* (verified).
        unsafe { create_image(self.context.raw(), CL_MEM_READ_WRITE, &format, &desc, std::ptr::null_mut()) }.map_err(|c| cl_error("clCreateImage", &what, c))
    }

    fn pool(&self, pool: u32, what: &str) -> Result<cl_mem> {
        self.pools
            .get(pool as usize)
            .and_then(|p| p.as_ref())
            .map(Mem::raw)
            .ok_or_else(|| Error::Unsupported { what: format!("{what}: pool {pool} has no buffer") })
    }

    /// Fills every activations buffer pool with zeros (once, waited for): what a bundle's
    /// chained kernels count in starts at zero, and what no dispatch wrote reads as zeros.
    fn zero_activations(&mut self, m: &Manifest) -> Result<()> {
        for (i, p) in m.pools.iter().enumerate() {
            if p.role != PoolRole::Activations || p.image.is_some() || p.size < 4 {
                continue;
            }
            let what = format!("pools[{i}] '{}'", p.name);
            let mem = self.pool(i as u32, &what)?;
            let zero = 0u32;
            let len = to_usize(p.size, &what)?;
            // A 4-byte pattern needs a size that is a multiple of 4: a pool's last bytes
            // past that stay as the driver gave them (pool sizes are 256-byte multiples).
            // SAFETY: the pattern's 4 bytes are read before clEnqueueFillBuffer returns; the
            // range lies in the buffer, which has the pool's size.
            let ev = unsafe { enqueue_fill_buffer(self.queue.raw(), mem, (&zero as *const u32).cast::<c_void>(), 4, 0, len - len % 4, 0, std::ptr::null()) }
                .map_err(|c| cl_error("clEnqueueFillBuffer", &what, c))?;
            drop(Event::own(ev));
        }
        finish(self.queue.raw()).map_err(|c| cl_error("clFinish", &self.device.name, c))
    }

    /// Copies every `manifest.weights` range into its pool (blocking writes, once).
    fn upload_weights(&mut self, m: &Manifest, weights_section: &[u8]) -> Result<()> {
        for (i, w) in m.weights.iter().enumerate() {
            let what = format!("weights[{i}]");
            if w.data.len == 0 {
                continue;
            }
            let start = usize::try_from(w.data.offset).ok();
            let end = w.data.offset.checked_add(w.data.len).and_then(|e| usize::try_from(e).ok());
            let data = start
                .zip(end)
                .and_then(|(s, e)| weights_section.get(s..e))
                .ok_or_else(|| Error::Unsupported { what: format!("{what}: data range outside the weights section") })?;
            let mem = self.pool(w.pool, &what)?;
            let offset = to_usize(w.pool_offset, &what)?;
            // SAFETY: a blocking write: `data` is read before the call returns. The verifier
            // checked that pool_offset + len lies inside the pool, whose buffer has its size.
            let ev = unsafe { enqueue_write_buffer(self.queue.raw(), mem, CL_TRUE, offset, data.len(), data.as_ptr().cast::<c_void>(), 0, std::ptr::null()) }
                .map_err(|c| cl_error("clEnqueueWriteBuffer", &what, c))?;
            drop(Event::own(ev));
        }
        Ok(())
    }

    /// Sub-buffers (one per distinct binding range) and one argument-set kernel per dispatch.
    fn create_steps(&mut self, m: &Manifest, checked: &[kernels::Checked<'_>], sizes: &[Vec<[usize; 3]>]) -> Result<()> {
        let mut by_range: HashMap<(u32, u64, u64), cl_mem> = HashMap::new();
        for (pi, (prog, prog_sizes)) in m.programs.iter().zip(sizes).enumerate() {
            let mut steps = Vec::with_capacity(prog.dispatches.len());
            for (di, (d, global)) in prog.dispatches.iter().zip(prog_sizes).enumerate() {
                let path = format!("programs[{pi}].dispatches[{di}] '{}'", d.label);
                let ki = d.kernel as usize;
                let (k, c, program) = match (m.kernels.get(ki), checked.get(ki), self.built.get(ki)) {
                    (Some(k), Some(c), Some(p)) => (k, c, p),
                    _ => return Err(invalid(format!("{path}.kernel"), format!("kernel index {ki} out of range"))),
                };
                let mut args = Vec::with_capacity(d.bindings.len());
                for (bi, b) in d.bindings.iter().enumerate() {
                    let key = (b.pool, b.offset, b.size);
                    if let Some(&mem) = by_range.get(&key) {
                        args.push(mem);
                        continue;
                    }
                    let what = format!("{path}.bindings[{bi}]");
                    let parent = self.pool(b.pool, &what)?;
                    if m.pools.get(b.pool as usize).is_some_and(|p| p.image.is_some()) {
                        // An image pool is bound whole, as the image itself.
                        args.push(parent);
                        continue;
                    }
                    let region = cl_buffer_region { origin: to_usize(b.offset, &what)?, size: to_usize(b.size, &what)? };
                    // SAFETY: `region` lives across the call and describes a range the verifier
                    // checked to lie inside the parent buffer, with its origin a multiple of
                    // CL_DEVICE_MEM_BASE_ADDR_ALIGN; READ_WRITE matches the parent's flags.
                    let raw = unsafe { create_sub_buffer(parent, CL_MEM_READ_WRITE, CL_BUFFER_CREATE_TYPE_REGION, (&region as *const cl_buffer_region).cast::<c_void>()) }
                        .map_err(|code| cl_error("clCreateSubBuffer", format!("{what} (offset {}, {} bytes)", b.offset, b.size), code))?;
                    let sub = Mem::own(raw);
                    by_range.insert(key, sub.raw());
                    args.push(sub.raw());
                    self.sub_buffers.push(sub);
                }
                let kernel = kernels::dispatch_kernel(&self.device, program, ki, k, &c.entry, &args, &d.push_constants)?;
                let local = k.workgroup_size.map(|v| v as usize);
                let mut global = *global;
                // A co-resident kernel runs as many workgroups as the device holds at once.
                let (launch, how) = residency::launch_groups(&self.device, &kernel, k, self.registers.get(ki).copied().flatten(), d.grid, &path)?;
                if launch != d.grid[0] {
                    global[0] = (launch as usize).saturating_mul(local[0]);
                    match self.launch_notes.iter_mut().find(|(i, ..)| *i == ki) {
                        Some((_, _, cut)) => *cut += 1,
                        None => self.launch_notes.push((ki, format!("{path}: kernel '{}' launched with {launch} of its {} workgroups (the device holds no more at once: {how})", k.name, d.grid[0]), 1)),
                    }
                }
                steps.push(Step { kernel, global, local, path });
            }
            self.steps.push(steps);
        }
        Ok(())
    }

    /// Enqueues writes and dispatches for program `index`; returns the first and last
    /// dispatch events, and with `per_dispatch` every dispatch's event in order (`all`).
    /// The caller waits for the queue whether or not this fails.
    fn enqueue(&self, index: usize, inputs: &[&[u8]], all: &mut Vec<Event>) -> Result<Option<(Event, Event)>> {
        let steps = self.steps.get(index).ok_or_else(|| Error::Unsupported { what: format!("program index {index}") })?;
        let reads = self.program_io.get(index).map(|(r, _)| r.clone()).unwrap_or_default();
        let q = self.queue.raw();
        for (i, (slot, bytes)) in self.inputs.iter().zip(inputs).enumerate() {
            if !reads.contains(&i) {
                continue;
            }
            if bytes.len() as u64 != slot.len {
                return Err(Error::Unsupported { what: format!("input {i}: {} bytes for a {}-byte slot", bytes.len(), slot.len) });
            }
            if bytes.is_empty() {
                continue;
            }
            let what = format!("input {i}");
            let mem = self.pool(slot.pool, &what)?;
            // SAFETY: `bytes` is borrowed from the session for the whole run, and `execute`
            // waits for the queue before returning, so it outlives this non-blocking write.
            // The verifier checked offset + len against the pool's size.
            let ev = unsafe { enqueue_write_buffer(q, mem, CL_FALSE, to_usize(slot.offset, &what)?, bytes.len(), bytes.as_ptr().cast::<c_void>(), 0, std::ptr::null()) }
                .map_err(|c| cl_error("clEnqueueWriteBuffer", &what, c))?;
            drop(Event::own(ev));
        }
        let mut first: Option<Event> = None;
        let mut last: Option<Event> = None;
        let per_dispatch = self.per_dispatch && self.profiling;
        // Side dispatches run on the second queue where there is one (`side`).
        let plan = self.side_queue.as_ref().zip(self.side_plans.get(index).and_then(Option::as_ref));
        let on_side = |i: usize| plan.is_some_and(|(_, p)| p.side.get(i).copied().unwrap_or(false));
        let last_step = (0..steps.len()).rev().find(|&i| !on_side(i)).unwrap_or(0);
        // Each dispatch's event where one is kept, by index (`all` takes them in order).
        let mut kept: Vec<Option<Event>> = (0..steps.len()).map(|_| None).collect();
        for (i, s) in steps.iter().enumerate() {
            if let Some((sq, p)) = plan {
                self.start_side(q, sq.raw(), steps, p, i, &mut kept)?;
            }
            if on_side(i) {
                continue;
            }
            let waits: Vec<cl_event> = plan.and_then(|(_, p)| p.waits.get(i)).map(|w| w.iter().filter_map(|&j| kept.get(j).and_then(Option::as_ref)).map(Event::raw).collect()).unwrap_or_default();
            // Only the first and last dispatch (every one when profiling each) return an
            // event: the driver creates and releases none for the others.
            if !per_dispatch && i != 0 && i != last_step {
                enqueue_without_event(q, s, &waits)?;
                continue;
            }
            let ev = Event::own(enqueue_with_event(q, s, &waits)?);
            if per_dispatch {
                // SAFETY: `ev` is a valid event; retaining it gives `all` its own reference.
                unsafe { opencl3::event::retain_event(ev.raw()) }.map_err(|c| cl_error("clRetainEvent", "dispatch event", c))?;
                if let Some(slot) = kept.get_mut(i) {
                    *slot = Some(Event::own(ev.raw()));
                }
            }
            if first.is_none() {
                first = Some(ev);
            } else {
                last = Some(ev);
            }
        }
        if per_dispatch {
            all.extend(kept.into_iter().flatten());
        }
        Ok(match (first, last) {
            (Some(f), Some(l)) => Some((f, l)),
            (Some(f), None) => {
                // One dispatch: it is both first and last.
                // SAFETY: `f` is a valid event; retaining it gives the second owner its own reference.
                unsafe { opencl3::event::retain_event(f.raw()) }.map_err(|c| cl_error("clRetainEvent", "dispatch event", c))?;
                let again = Event::own(f.raw());
                Some((f, again))
            }
            _ => None,
        })
    }

    /// Starts on the second queue `sq` the side dispatches `plan` starts before dispatch
    /// `i`, after a marker on `q` (every dispatch before `i` done); their events go to
    /// `kept`, where the dispatches that wait for them find them.
    fn start_side(&self, q: cl_command_queue, sq: cl_command_queue, steps: &[Step], plan: &side::SidePlan, i: usize, kept: &mut [Option<Event>]) -> Result<()> {
        let Some(starting) = plan.starts.get(i).filter(|s| !s.is_empty()) else {
            return Ok(());
        };
        // SAFETY: `q` is this executor's live queue; no wait list, so every command
        // enqueued before the marker completes first (in-order queue).
        let marker = Event::own(unsafe { enqueue_marker_with_wait_list(q, 0, std::ptr::null()) }.map_err(|c| cl_error("clEnqueueMarkerWithWaitList", &self.device.name, c))?);
        for &j in starting {
            let Some(s) = steps.get(j) else {
                continue;
            };
            let ev = enqueue_with_event(sq, s, &[marker.raw()])?;
            if let Some(slot) = kept.get_mut(j) {
                *slot = Some(Event::own(ev));
            }
        }
        flush(sq).map_err(|c| cl_error("clFlush", &self.device.name, c))
    }

    fn profile(&self, ev: &Event, param: u32, name: &'static str) -> Result<u64> {
        let b = get_event_profiling_data(ev.raw(), param).map_err(|c| cl_error("clGetEventProfilingInfo", name, c))?;
        match *b {
            [a, b, c, d, e, f, g, h] => Ok(u64::from_ne_bytes([a, b, c, d, e, f, g, h])),
            _ => Err(Error::OpenCl { call: "clGetEventProfilingInfo", message: format!("{name}: {}-byte value", b.len()) }),
        }
    }

    /// Bytes `offset ..` of output `output`, read from its pool (blocking).
    fn read(&self, output: usize, offset: u64, dst: &mut [u8]) -> Result<()> {
        let what = format!("output {output}");
        let slot = self.outputs.get(output).ok_or_else(|| Error::Unsupported { what: format!("output position {output}") })?;
        if offset.saturating_add(dst.len() as u64) > slot.len {
            return Err(Error::Unsupported { what: format!("bytes {offset}..+{} of a {}-byte output slot", dst.len(), slot.len) });
        }
        if dst.is_empty() {
            return Ok(());
        }
        let mem = self.pool(slot.pool, &what)?;
        let at = to_usize(slot.offset.saturating_add(offset), &what)?;
        // SAFETY: a blocking read into `dst`, which lives across the call; offset + len lies
        // inside the slot, which the verifier placed inside the pool.
        let ev = unsafe { enqueue_read_buffer(self.queue.raw(), mem, CL_TRUE, at, dst.len(), dst.as_mut_ptr().cast::<c_void>(), 0, std::ptr::null()) }
            .map_err(|c| cl_error("clEnqueueReadBuffer", &what, c))?;
        drop(Event::own(ev));
        Ok(())
    }

    /// Enqueues program `index` and a copy of output `read` to the host without waiting;
    /// `fed` = (input, output): that input's bytes copied on the device from the output
    /// instead of written from the host. On an error the queue is drained first, so nothing
    /// still queued reads the host bytes this call owned.
    fn chain(&mut self, index: usize, inputs: &[&[u8]], fed: Option<(usize, usize)>, read: usize) -> Result<()> {
        let mut owned = Vec::new();
        let mut out = Vec::new();
        if self.staging.is_none() {
            self.staging = Some(staging::Staging::new(self.context.raw(), self.queue.raw(), &self.device.name).map_err(|_| ()));
        }
        // A slot no run in flight holds.
        let (slot, pinned) = match &self.staging {
            Some(Ok(st)) => (0..staging::SLOTS).find(|i| !self.chained.iter().any(|c| c.slot == Some(*i))).and_then(|i| Some((i, st.slot(i)?))).unzip(),
            _ => (None, None),
        };
        let enqueued = self.enqueue_chain(index, inputs, fed, read, pinned, &mut owned, &mut out);
        match enqueued {
            Ok((ev, staged_out)) => {
                self.chained.push_back(Chained { _inputs: owned, out, slot, staged_out, read: ev });
                Ok(())
            }
            Err(e) => {
                let _ = finish(self.queue.raw());
                Err(e)
            }
        }
    }

    /// Enqueues a chained run; its host bytes go through the staging slot at `pinned`
    /// where they fit, else through `owned` and `out`. Returns the read's event and, when
    /// the read landed in the slot, where.
    #[allow(clippy::too_many_arguments)]
    fn enqueue_chain(&self, index: usize, inputs: &[&[u8]], fed: Option<(usize, usize)>, read: usize, pinned: Option<*mut u8>, owned: &mut Vec<Vec<u8>>, out: &mut Vec<u8>) -> Result<(Event, Option<StagedRead>)> {
        // Bytes of the slot used so far (16-byte steps).
        let mut used = 0usize;
        // The next `len` bytes of the slot: their offset and host address.
        let mut in_slot = |len: usize| -> Option<(usize, *mut u8)> {
            let base = pinned?;
            let at = used;
            let end = at.checked_add(len)?;
            if end > staging::SLOT_BYTES {
                return None;
            }
            used = end.div_ceil(16) * 16;
            Some((at, base.wrapping_add(at)))
        };
        let steps = self.steps.get(index).ok_or_else(|| Error::Unsupported { what: format!("program index {index}") })?;
        let (reads, writes) = self.program_io.get(index).cloned().unwrap_or_default();
        let q = self.queue.raw();
        for (i, (slot, bytes)) in self.inputs.iter().zip(inputs).enumerate() {
            if !reads.contains(&i) || fed.is_some_and(|(input, _)| input == i) || bytes.is_empty() {
                continue;
            }
            if bytes.len() as u64 != slot.len {
                return Err(Error::Unsupported { what: format!("input {i}: {} bytes for a {}-byte slot", bytes.len(), slot.len) });
            }
            let what = format!("input {i}");
            let mem = self.pool(slot.pool, &what)?;
            if let Some((_, pinned)) = in_slot(bytes.len()) {
                // SAFETY: `pinned` addresses `bytes.len()` bytes of this run's staging slot
                // (mapped for the executor's life, not reused until this run is waited
                // for); the write below reads them in queue order.
                unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), pinned, bytes.len()) };
                // SAFETY: as above; offset + len lie in the pool (verifier).
                let ev = unsafe { enqueue_write_buffer(q, mem, CL_FALSE, to_usize(slot.offset, &what)?, bytes.len(), pinned.cast::<c_void>(), 0, std::ptr::null()) }
                    .map_err(|c| cl_error("clEnqueueWriteBuffer", &what, c))?;
                drop(Event::own(ev));
                continue;
            }
            let data = bytes.to_vec();
            // SAFETY: `data` is moved into `owned` below (its heap bytes do not move) and
            // kept until the run's read has completed, after this in-order write; `chain`
            // drains the queue before dropping it on an error. offset + len lie in the pool.
            let ev = unsafe { enqueue_write_buffer(q, mem, CL_FALSE, to_usize(slot.offset, &what)?, data.len(), data.as_ptr().cast::<c_void>(), 0, std::ptr::null()) }
                .map_err(|c| cl_error("clEnqueueWriteBuffer", &what, c))?;
            drop(Event::own(ev));
            owned.push(data);
        }
        if let Some((input, output)) = fed {
            let what = format!("input {input} from output {output}");
            let (to, from) = self.inputs.get(input).zip(self.outputs.get(output)).ok_or_else(|| Error::Unsupported { what: what.clone() })?;
            if to.len != from.len || !reads.contains(&input) || !writes.contains(&output) {
                return Err(Error::Unsupported { what: format!("{what}: {}-byte output into a {}-byte input, or not this program's", from.len, to.len) });
            }
            let (src, dst) = (self.pool(from.pool, &what)?, self.pool(to.pool, &what)?);
            // SAFETY: both ranges lie inside their pools (verifier); the copy is ordered after
            // the previous run (in-order queue) and before this one's dispatches.
            let ev = unsafe { enqueue_copy_buffer(q, src, dst, to_usize(from.offset, &what)?, to_usize(to.offset, &what)?, to_usize(to.len, &what)?, 0, std::ptr::null()) }
                .map_err(|c| cl_error("clEnqueueCopyBuffer", &what, c))?;
            drop(Event::own(ev));
        }
        for s in steps {
            enqueue_without_event(q, s, &[])?;
        }
        let what = format!("output {read}");
        let slot = self.outputs.get(read).filter(|_| writes.contains(&read)).ok_or_else(|| Error::Unsupported { what: format!("{what}: not written by program {index}") })?;
        let mem = self.pool(slot.pool, &what)?;
        let len = to_usize(slot.len, &what)?;
        let (ev, staged) = match in_slot(len) {
            Some((at, pinned)) => {
                // SAFETY: `pinned` addresses `len` bytes of this run's staging slot, read
                // (`Staging::read`) only after this read's event completes; offset + len
                // lie in the pool.
                let ev = unsafe { enqueue_read_buffer(q, mem, CL_FALSE, to_usize(slot.offset, &what)?, len, pinned.cast::<c_void>(), 0, std::ptr::null()) }
                    .map_err(|c| cl_error("clEnqueueReadBuffer", &what, c))?;
                (ev, Some((at, len)))
            }
            None => {
                *out = vec![0u8; len];
                // SAFETY: `out` is moved into the chained record with its heap bytes in place
                // and read only after this read's event completes; offset + len lie in the pool.
                let ev = unsafe { enqueue_read_buffer(q, mem, CL_FALSE, to_usize(slot.offset, &what)?, out.len(), out.as_mut_ptr().cast::<c_void>(), 0, std::ptr::null()) }
                    .map_err(|c| cl_error("clEnqueueReadBuffer", &what, c))?;
                (ev, None)
            }
        };
        let ev = Event::own(ev);
        flush(q).map_err(|c| cl_error("clFlush", &self.device.name, c))?;
        Ok((ev, staged))
    }

    fn execute(&mut self, index: usize, inputs: &[&[u8]]) -> Result<Option<u64>> {
        self.last_dispatch_ns = None;
        let mut all = Vec::new();
        let enqueued = self.enqueue(index, inputs, &mut all);
        // Always wait, even after a failed enqueue: commands already queued still read the
        // inputs borrowed above.
        let finished = finish(self.queue.raw()).map_err(|c| cl_error("clFinish", &self.device.name, c));
        let side_finished = self.side_queue.as_ref().map_or(Ok(()), |sq| finish(sq.raw()).map_err(|c| cl_error("clFinish", &self.device.name, c)));
        let events = enqueued?;
        side_finished?;
        finished?;
        if !all.is_empty() {
            let mut times = Vec::with_capacity(all.len());
            for ev in &all {
                let start = self.profile(ev, CL_PROFILING_COMMAND_START, "CL_PROFILING_COMMAND_START")?;
                let end = self.profile(ev, CL_PROFILING_COMMAND_END, "CL_PROFILING_COMMAND_END")?;
                times.push(end.saturating_sub(start));
            }
            self.last_dispatch_ns = Some(times);
        }
        match events {
            Some((first, last)) if self.profiling => {
                let start = self.profile(&first, CL_PROFILING_COMMAND_START, "CL_PROFILING_COMMAND_START")?;
                let end = self.profile(&last, CL_PROFILING_COMMAND_END, "CL_PROFILING_COMMAND_END")?;
                Ok(Some(end.saturating_sub(start)))
            }
            _ => Ok(None),
        }
    }
}

/// Enqueues one dispatch after the events `waits`, returning its event.
fn enqueue_with_event(q: cl_command_queue, s: &Step, waits: &[cl_event]) -> Result<cl_event> {
    let wait_list = if waits.is_empty() { std::ptr::null() } else { waits.as_ptr() };
    // SAFETY: the kernel's arguments were all set at creation; `global` and `local` are
    // 3-element arrays live across the call, global a multiple of local per axis; `waits`
    // holds live events, as many as passed.
    unsafe { enqueue_nd_range_kernel(q, s.kernel.raw(), 3, std::ptr::null(), s.global.as_ptr(), s.local.as_ptr(), waits.len() as cl_uint, wait_list) }.map_err(|c| cl_error("clEnqueueNDRangeKernel", &s.path, c))
}

/// Enqueues one dispatch after the events `waits`, asking for no event (through the loader
/// opencl3 itself uses).
fn enqueue_without_event(q: cl_command_queue, s: &Step, waits: &[cl_event]) -> Result<()> {
    let cl = cl3::load_library().as_ref().map_err(|_| cl_error("clEnqueueNDRangeKernel", &s.path, cl3::error_codes::DLOPEN_RUNTIME_LOAD_FAILED))?;
    let wait_list = if waits.is_empty() { std::ptr::null() } else { waits.as_ptr() };
    // (The loader declares the call safe.) The kernel's arguments were all set at creation;
    // `global` and `local` are 3-element arrays live across the call, global a multiple of
    // local per axis; `waits` holds live events; a null event pointer asks for no event.
    let status = cl.clEnqueueNDRangeKernel(q, s.kernel.raw(), 3, std::ptr::null(), s.global.as_ptr(), s.local.as_ptr(), waits.len() as cl_uint, wait_list, std::ptr::null_mut());
    match status {
        Some(0) => Ok(()),
        Some(code) => Err(cl_error("clEnqueueNDRangeKernel", &s.path, code)),
        None => Err(cl_error("clEnqueueNDRangeKernel", &s.path, cl3::error_codes::DLOPEN_FUNCTION_NOT_AVAILABLE)),
    }
}

/// Global work size of every dispatch (grid × workgroup size per axis), checked to fit the
/// device's `size_t`, before any object exists.
fn global_sizes(dev: &Device, m: &Manifest) -> Result<Vec<Vec<[usize; 3]>>> {
    let mut all = Vec::with_capacity(m.programs.len());
    for (pi, prog) in m.programs.iter().enumerate() {
        let mut sizes = Vec::with_capacity(prog.dispatches.len());
        for (di, d) in prog.dispatches.iter().enumerate() {
            let k = m.kernels.get(d.kernel as usize).ok_or_else(|| invalid(format!("programs[{pi}].dispatches[{di}].kernel"), "out of range"))?;
            let mut g = [0usize; 3];
            for (axis, ((slot, &n), &wg)) in g.iter_mut().zip(&d.grid).zip(&k.workgroup_size).enumerate() {
                let v = u64::from(n) * u64::from(wg);
                *slot = usize::try_from(v).ok().filter(|&v| v <= dev.max_global_size).ok_or_else(|| {
                    invalid(format!("programs[{pi}].dispatches[{di}] '{}'.grid[{axis}]", d.label), format!("global size {v} exceeds the device's size_t"))
                })?;
            }
            sizes.push(g);
        }
        all.push(sizes);
    }
    Ok(all)
}

impl Backend for Executor {
    fn device_name(&self) -> &str {
        &self.device.name
    }

    fn limits(&self) -> &DeviceLimits {
        &self.device.limits
    }

    fn allocated_bytes(&self) -> u64 {
        self.allocated
    }

    fn run(&mut self, program: usize, inputs: &[&[u8]], _reads: Option<&[usize]>) -> Result<Option<u64>> {
        self.execute(program, inputs)
    }

    fn read_output(&self, output: usize, offset: u64, dst: &mut [u8]) -> Result<()> {
        self.read(output, offset, dst)
    }

    fn chains(&self) -> bool {
        true
    }

    fn enqueue_chained(&mut self, program: usize, inputs: &[&[u8]], fed: Option<(usize, usize)>, read: usize) -> Result<()> {
        self.chain(program, inputs, fed, read)
    }

    fn wait_chained(&mut self) -> Result<Vec<u8>> {
        let c = self.chained.pop_front().ok_or_else(|| Error::Unsupported { what: "waiting with no chained run in flight".into() })?;
        if let Err(code) = wait_for_events(&[c.read.raw()]) {
            // Nothing queued may still use the record's bytes when it drops.
            let _ = finish(self.queue.raw());
            return Err(cl_error("clWaitForEvents", &self.device.name, code));
        }
        match (c.staged_out, c.slot, &self.staging) {
            (Some((at, len)), Some(slot), Some(Ok(st))) => st.read(slot, at, len).ok_or_else(|| Error::Unsupported { what: format!("staging slot {slot}: {len} bytes at {at}") }),
            _ => Ok(c.out),
        }
    }

    fn dispatch_ns(&self) -> Result<Option<Vec<u64>>> {
        Ok(self.last_dispatch_ns.clone())
    }
    fn kernel_statistics(&self) -> Vec<Vec<(String, String)>> {
        self.statistics.clone()
    }
    fn launch_notes(&self) -> Vec<String> {
        self.launch_notes.iter().map(|(_, note, cut)| if *cut > 1 { format!("{note}; so were its {} other dispatches", cut - 1) } else { note.clone() }).collect()
    }
}

impl Drop for Executor {
    fn drop(&mut self) {
        // Nothing queued may still use what is released below.
        let _ = finish(self.queue.raw());
        if let Some(sq) = &self.side_queue {
            let _ = finish(sq.raw());
        }
        if let Some(Ok(st)) = self.staging.take() {
            st.unmap(self.queue.raw());
        }
        while let Some(mut steps) = self.steps.pop() {
            while steps.pop().is_some() {}
        }
        while self.sub_buffers.pop().is_some() {}
        while self.pools.pop().is_some() {}
        while self.built.pop().is_some() {}
        // `queue`, then `context`, drop after this body, in declaration order.
    }
}
