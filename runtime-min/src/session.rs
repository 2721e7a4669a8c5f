//! [`Session`]: the app-facing API. Picks the backend from `manifest.api`, verifies the
//! bundle against the real device's limits before creating any buffer or pipeline, then
//! takes inputs, runs programs and hands back outputs.
//!
//! Invariants: every graph input and output has a (host dtype, device element) pair that
//! [`crate::host`] can convert (checked at creation), and `Linear` layout (checked by the
//! verifier), so moving tensors is element-wise. Inputs stay set across runs and are
//! written to their pools before every run, because the memory plan may reuse an input's
//! bytes for intermediates once it is consumed.

use crate::bundle::{Api, DType, DeviceLimits, ElemType, Manifest};
use crate::error::{Error, Result};
use crate::host::{self, HostTensor};
use crate::loader::Bundle;
use std::time::Instant;

/// How to create a [`Session`].
#[derive(Debug, Clone, Default)]
pub struct SessionOptions {
    /// Index of the device to use. Vulkan: in enumeration order, and `None` picks the first
    /// discrete GPU, else the first integrated GPU, else the first device. OpenCL: every GPU
    /// device of every platform first, then every other device; `None` is index 0.
    pub device_index: Option<usize>,
    /// Move inputs, outputs and weights through a staging buffer with copy commands even
    /// when pool memory is host-visible (as on unified-memory devices), which exercises the
    /// discrete-GPU path. Off by default.
    pub force_staging: bool,
    /// Time every dispatch (Vulkan: a GPU timestamp after each; OpenCL: each dispatch's
    /// profiling event; for [`Session::last_profile`]).
    /// Off by default: it serialises nothing but adds one query per dispatch.
    pub profile: bool,
    /// Vulkan: after submitting a run, poll its fence for up to this many microseconds
    /// before blocking on it. A blocked wait wakes through the OS, which adds its latency to
    /// every run (every decode step); polling keeps one CPU core busy instead. 0 (the
    /// default) blocks at once.
    pub spin_wait_us: u32,
    /// Capture each kernel's compile statistics; read them with
    /// [`Session::kernel_statistics`]. Vulkan: VK_KHR_pipeline_executable_properties
    /// (registers, spills, whatever the driver reports) where the device offers it. OpenCL:
    /// the work-group limit and private and local bytes of each kernel, and on NVIDIA the
    /// assembler's register and spill lines from a second, verbose build. Off by default.
    pub pipeline_statistics: bool,
    /// Vulkan: leave `robustBufferAccess` (the driver's bounds check on every buffer
    /// access) off even where the device offers it. Only for bundles you compiled yourself:
    /// driftc's SPIR-V clamps every buffer index itself (naga's `Restrict` policy), but a
    /// cooperative-matrix load or store reaches rows past the element its index names, and
    /// a hostile bundle's kernels need not clamp at all. Off by default.
    pub no_robust_buffer_access: bool,
}

/// GPU time of one dispatch of the last run (see [`SessionOptions::profile`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispatchTime {
    /// The node the dispatch computes.
    pub label: String,
    /// Its kernel's name (template, element type, index).
    pub kernel: String,
    /// Nanoseconds from the previous dispatch's end (or the program's start) to its end.
    pub ns: u64,
}

/// Timing of one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunStats {
    /// GPU time of the program's dispatches from timestamp queries, if the queue has them.
    pub gpu_ns: Option<u64>,
    /// Host wall-clock time of the whole run, including input and output transfers.
    pub wall_ns: u64,
}

/// A graph input's or output's name, host dtype and logical shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TensorInfo {
    pub name: String,
    pub dtype: DType,
    pub shape: Vec<u64>,
}

/// A graph input or output: `len` bytes at `offset` in pool `pool` (backend-neutral).
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(any(feature = "vulkan", feature = "opencl")), allow(dead_code))]
pub(crate) struct IoSlot {
    pub(crate) pool: u32,
    pub(crate) offset: u64,
    pub(crate) len: u64,
}

/// What a session needs from a backend once it is built.
pub(crate) trait Backend: Send {
    fn device_name(&self) -> &str;
    fn limits(&self) -> &DeviceLimits;
    fn allocated_bytes(&self) -> u64;
    /// Writes the program's inputs into their slots (`inputs` has one entry per bundle
    /// input; those of other programs are empty and ignored) and runs program `program` to
    /// completion; returns GPU nanoseconds when timed. Outputs stay on the device side
    /// until asked for (`read_output`); `reads` (output positions; `None`: all the program
    /// writes) are the ones the host will ask for, which a backend that copies outputs
    /// back as part of the run may limit its copies to.
    fn run(&mut self, program: usize, inputs: &[&[u8]], reads: Option<&[usize]>) -> Result<Option<u64>>;
    /// Copies bytes `offset .. offset + dst.len()` of output `output` as the last run left
    /// them (the session checks the range first; backends refuse it again rather than
    /// read past the slot).
    fn read_output(&self, output: usize, offset: u64, dst: &mut [u8]) -> Result<()>;
    /// Whether the backend has chained runs (`enqueue_chained`, `wait_chained`).
    fn chains(&self) -> bool {
        false
    }
    /// Enqueues program `program` without waiting for it (chained runs): `inputs` as `run`
    /// takes them, except input `fed.0` (when given), whose bytes are copied on the device
    /// from output `fed.1` as the previous run left them; then a copy of output `read` to
    /// the host, which `wait_chained` hands back.
    fn enqueue_chained(&mut self, _program: usize, _inputs: &[&[u8]], _fed: Option<(usize, usize)>, _read: usize) -> Result<()> {
        Err(Error::Unsupported { what: "chained runs on this backend".into() })
    }
    /// Waits for the oldest chained run and returns the bytes of its `read` output.
    fn wait_chained(&mut self) -> Result<Vec<u8>> {
        Err(Error::Unsupported { what: "chained runs on this backend".into() })
    }
    /// Per-dispatch GPU nanoseconds of the last run, when profiling and timed.
    fn dispatch_ns(&self) -> Result<Option<Vec<u64>>> {
        Ok(None)
    }
    /// Per kernel (bundle order), the driver's compile statistics; empty lists where none
    /// were captured.
    fn kernel_statistics(&self) -> Vec<Vec<(String, String)>> {
        Vec::new()
    }
    /// Kernels the backend launches with fewer workgroups than the bundle records, one
    /// line each (co-resident kernels past what the device holds at once).
    fn launch_notes(&self) -> Vec<String> {
        Vec::new()
    }
}

struct Io {
    info: TensorInfo,
    elem: ElemType,
    slot: IoSlot,
}

fn io_table(m: &Manifest, list: &[u32], kind: &str) -> Result<Vec<Io>> {
    list.iter()
        .enumerate()
        .map(|(i, &t)| {
            let bad = |message: String| crate::bundle::BundleError::Invalid { field: format!("{kind}s[{i}]"), message };
            let e = m.tensors.get(t as usize).ok_or_else(|| bad(format!("tensor index {t} out of range")))?;
            if !host::io_supported(e.dtype, e.storage.elem) {
                return Err(Error::Unsupported {
                    what: format!("{kind} '{}' has host dtype {:?} stored as {:?}; the runtime converts only float⇄F32/F16 and integer/bool⇄I32", e.name, e.dtype, e.storage.elem),
                });
            }
            let len = e
                .element_count()
                .and_then(|n| n.checked_mul(e.storage.elem.size()))
                .ok_or_else(|| bad(format!("'{}' byte size overflows", e.name)))?;
            Ok(Io {
                info: TensorInfo { name: e.name.clone(), dtype: e.dtype, shape: e.shape.clone() },
                elem: e.storage.elem,
                slot: IoSlot { pool: e.storage.pool, offset: e.storage.offset, len },
            })
        })
        .collect()
}

fn names(list: &[Io]) -> String {
    let v: Vec<&str> = list.iter().map(|io| io.info.name.as_str()).collect();
    if v.is_empty() {
        "(none)".into()
    } else {
        v.join(", ")
    }
}

/// A bundle loaded onto one device, ready to run.
pub struct Session {
    backend: Box<dyn Backend>,
    api: Api,
    inputs: Vec<Io>,
    outputs: Vec<Io>,
    programs: Vec<String>,
    /// Per program, its positions in `inputs` and `outputs`.
    program_io: Vec<(Vec<usize>, Vec<usize>)>,
    /// Device bytes of each input, once set.
    input_data: Vec<Option<Vec<u8>>>,
    /// Whether each output holds the result of the last run (its program wrote it).
    output_valid: Vec<bool>,
    /// Per program, the outputs its runs make readable (`set_output_reads`; `None`: all).
    output_reads: Vec<Option<Vec<usize>>>,
    /// Per program, (label, kernel name) of each dispatch, when profiling.
    dispatch_names: Vec<Vec<(String, String)>>,
    /// Every kernel's name, in bundle order.
    kernel_names: Vec<String>,
    last_program: Option<usize>,
    /// Output positions of the chained runs in flight, oldest first.
    chained_reads: std::collections::VecDeque<usize>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("api", &self.api)
            .field("device", &self.backend.device_name())
            .field("programs", &self.programs)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// Opens the device for `bundle`'s API, verifies the bundle against the device's real
    /// limits, then allocates the pools, uploads weights, builds pipelines and records
    /// every program.
    pub fn new(bundle: &Bundle, options: &SessionOptions) -> Result<Session> {
        let m = bundle.manifest();
        let inputs = io_table(m, &m.inputs, "input")?;
        let outputs = io_table(m, &m.outputs, "output")?;
        let backend: Box<dyn Backend> = match m.api {
            Api::Vulkan => open_vulkan(bundle, options, &inputs, &outputs)?,
            Api::OpenCl => open_opencl(bundle, options, &inputs, &outputs)?,
            api @ (Api::Metal | Api::WebGpu) => {
                return Err(Error::BackendNotCompiled {
                    api: api.to_string(),
                    reason: "runtime-min drives only Vulkan and OpenCL; such bundles are for the platform's own runtime (or compile for a Vulkan or OpenCL target)".into(),
                })
            }
        };
        Ok(Session {
            backend,
            api: m.api,
            input_data: vec![None; inputs.len()],
            output_valid: vec![false; outputs.len()],
            output_reads: vec![None; m.programs.len()],
            inputs,
            outputs,
            programs: m.programs.iter().map(|p| p.name.clone()).collect(),
            dispatch_names: if options.profile {
                m.programs
                    .iter()
                    .map(|p| p.dispatches.iter().map(|d| (d.label.clone(), m.kernels.get(d.kernel as usize).map_or_else(String::new, |k| k.name.clone()))).collect())
                    .collect()
            } else {
                Vec::new()
            },
            last_program: None,
            chained_reads: std::collections::VecDeque::new(),
            kernel_names: m.kernels.iter().map(|k| k.name.clone()).collect(),
            program_io: m
                .programs
                .iter()
                .map(|p| (p.inputs.iter().map(|&i| i as usize).collect(), p.outputs.iter().map(|&i| i as usize).collect()))
                .collect(),
        })
    }

    pub fn api(&self) -> Api {
        self.api
    }

    pub fn device_name(&self) -> &str {
        self.backend.device_name()
    }

    /// The limits the bundle was verified against.
    pub fn device_limits(&self) -> &DeviceLimits {
        self.backend.limits()
    }

    /// Bytes of device memory allocated for the bundle's pools: exactly the sum of
    /// `manifest.pools[].size` (staging memory for transfers is host memory, not counted).
    pub fn allocated_bytes(&self) -> u64 {
        self.backend.allocated_bytes()
    }

    pub fn input_names(&self) -> Vec<&str> {
        self.inputs.iter().map(|io| io.info.name.as_str()).collect()
    }

    pub fn output_names(&self) -> Vec<&str> {
        self.outputs.iter().map(|io| io.info.name.as_str()).collect()
    }

    /// Outputs the last run wrote (those of the program it ran).
    pub fn written_output_names(&self) -> Vec<&str> {
        self.outputs.iter().zip(&self.output_valid).filter(|(_, &v)| v).map(|(io, _)| io.info.name.as_str()).collect()
    }

    pub fn program_names(&self) -> Vec<&str> {
        self.programs.iter().map(String::as_str).collect()
    }

    fn input_index(&self, name: &str) -> Result<usize> {
        self.inputs
            .iter()
            .position(|io| io.info.name == name)
            .ok_or_else(|| Error::UnknownInput { name: name.into(), known: names(&self.inputs) })
    }

    fn output_index(&self, name: &str) -> Result<usize> {
        self.outputs
            .iter()
            .position(|io| io.info.name == name)
            .ok_or_else(|| Error::UnknownOutput { name: name.into(), known: names(&self.outputs) })
    }

    pub fn input_info(&self, name: &str) -> Result<&TensorInfo> {
        let i = self.input_index(name)?;
        self.inputs.get(i).map(|io| &io.info).ok_or_else(|| Error::UnknownInput { name: name.into(), known: names(&self.inputs) })
    }

    pub fn output_info(&self, name: &str) -> Result<&TensorInfo> {
        let i = self.output_index(name)?;
        self.outputs.get(i).map(|io| &io.info).ok_or_else(|| Error::UnknownOutput { name: name.into(), known: names(&self.outputs) })
    }

    /// Checks `t` against input `name` (shape, dtype, data length, value range), converts
    /// it to the device element type and keeps it for every following run.
    pub fn set_input(&mut self, name: &str, t: &HostTensor) -> Result<()> {
        let i = self.input_index(name)?;
        let io = self.inputs.get(i).ok_or_else(|| Error::UnknownInput { name: name.into(), known: names(&self.inputs) })?;
        if t.shape != io.info.shape {
            return Err(Error::InputShape { name: name.into(), expected: io.info.shape.clone(), got: t.shape.clone() });
        }
        if !host::accepts(io.info.dtype, t.dtype) {
            return Err(Error::InputDType { name: name.into(), expected: host::accepted_list(io.info.dtype), got: t.dtype });
        }
        t.check_len(name)?;
        let bytes = host::to_device(name, t, io.elem)?;
        if bytes.len() as u64 != io.slot.len {
            return Err(Error::InputValue { name: name.into(), message: format!("{} device bytes for a {}-byte tensor", bytes.len(), io.slot.len) });
        }
        if let Some(slot) = self.input_data.get_mut(i) {
            *slot = Some(bytes);
        }
        Ok(())
    }

    /// Which outputs of program `name` its following runs make readable: `Some(names)` only
    /// those (a Vulkan device then copies nothing else back: a greedy decode step reads its
    /// chosen id, not the logits), `None` every output it writes (the default). Reading
    /// another output after such a run is an error.
    pub fn set_output_reads(&mut self, name: &str, outputs: Option<&[&str]>) -> Result<()> {
        let index = self
            .programs
            .iter()
            .position(|p| p == name)
            .ok_or_else(|| Error::UnknownProgram { name: name.into(), known: self.programs.join(", ") })?;
        let writes = self.program_io.get(index).map(|(_, w)| w.clone()).unwrap_or_default();
        let wanted = match outputs {
            None => None,
            Some(list) => Some(
                list.iter()
                    .map(|n| {
                        let i = self.output_index(n)?;
                        if writes.contains(&i) {
                            Ok(i)
                        } else {
                            Err(Error::OutputValue { name: (*n).to_string(), message: format!("program '{name}' does not write it") })
                        }
                    })
                    .collect::<Result<Vec<usize>>>()?,
            ),
        };
        if let Some(slot) = self.output_reads.get_mut(index) {
            *slot = wanted;
        }
        Ok(())
    }

    /// Runs the bundle's first program ("main" for a model, "prefill" for an LLM).
    pub fn run(&mut self) -> Result<RunStats> {
        let first = self.programs.first().cloned().ok_or_else(|| Error::UnknownProgram { name: "(first)".into(), known: String::new() })?;
        self.run_program(&first)
    }

    /// Runs the program `name` (e.g. "prefill" or "decode") with the inputs set so far.
    pub fn run_program(&mut self, name: &str) -> Result<RunStats> {
        if !self.chained_reads.is_empty() {
            return Err(Error::Unsupported { what: format!("running program '{name}' with {} chained runs in flight (Session::wait_chained each first)", self.chained_reads.len()) });
        }
        let index = self.program_index(name)?;
        let (reads, writes) = self.program_io.get(index).cloned().unwrap_or_default();
        let inputs = program_inputs(&self.inputs, &self.input_data, name, &reads)?;
        let start = Instant::now();
        self.output_valid.iter_mut().for_each(|v| *v = false);
        let wanted = self.output_reads.get(index).cloned().flatten();
        let gpu_ns = self.backend.run(index, &inputs, wanted.as_deref())?;
        self.last_program = Some(index);
        for &o in writes.iter().filter(|o| wanted.as_ref().is_none_or(|w| w.contains(o))) {
            if let Some(v) = self.output_valid.get_mut(o) {
                *v = true;
            }
        }
        let wall_ns = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        Ok(RunStats { gpu_ns, wall_ns })
    }

    fn program_index(&self, name: &str) -> Result<usize> {
        self.programs.iter().position(|p| p == name).ok_or_else(|| Error::UnknownProgram { name: name.into(), known: self.programs.join(", ") })
    }

    /// Starts program `name` without waiting for it, with the inputs set so far, except
    /// `fed` = (input, output): that input takes the output's bytes as the previous run of
    /// the program left them, copied on the device (a greedy decode step fed the token the
    /// step before chose, with no host round trip between them); `read`: the output whose
    /// value [`Session::wait_chained`] returns, in start order. Several may be in flight;
    /// other runs wait until every one has been waited for. False where the backend has no
    /// chained runs: nothing was started.
    pub fn start_chained(&mut self, name: &str, fed: Option<(&str, &str)>, read: &str) -> Result<bool> {
        if !self.backend.chains() {
            return Ok(false);
        }
        let index = self.program_index(name)?;
        let (reads, writes) = self.program_io.get(index).cloned().unwrap_or_default();
        let read_at = self.output_index(read)?;
        if !writes.contains(&read_at) {
            return Err(Error::OutputValue { name: read.into(), message: format!("program '{name}' does not write it") });
        }
        let fed_at = match fed {
            Some((input, output)) => {
                let (i, o) = (self.input_index(input)?, self.output_index(output)?);
                let same = self.inputs.get(i).zip(self.outputs.get(o)).is_some_and(|(a, b)| a.elem == b.elem && a.slot.len == b.slot.len);
                if !same || !reads.contains(&i) || !writes.contains(&o) {
                    return Err(Error::Unsupported { what: format!("feeding input '{input}' from output '{output}': program '{name}' must read the one and write the other, of one element type and size") });
                }
                Some((i, o))
            }
            None => None,
        };
        let inputs = program_inputs(&self.inputs, &self.input_data, name, &reads)?;
        self.backend.enqueue_chained(index, &inputs, fed_at, read_at)?;
        self.output_valid.iter_mut().for_each(|v| *v = false);
        self.chained_reads.push_back(read_at);
        Ok(true)
    }

    /// Waits for the oldest chained run ([`Session::start_chained`]) and returns its `read`
    /// output.
    pub fn wait_chained(&mut self) -> Result<HostTensor> {
        let o = self.chained_reads.pop_front().ok_or_else(|| Error::Unsupported { what: "waiting with no chained run in flight".into() })?;
        let bytes = self.backend.wait_chained()?;
        let io = self.outputs.get(o).ok_or_else(|| Error::Unsupported { what: format!("output position {o}") })?;
        host::from_device(&io.info.name, &bytes, io.elem, io.info.dtype, &io.info.shape)
    }

    /// Whether the backend runs programs chained ([`Session::start_chained`]: OpenCL and
    /// Vulkan).
    pub fn chains(&self) -> bool {
        self.backend.chains()
    }

    /// Chained runs started and not yet waited for.
    pub fn chained_in_flight(&self) -> usize {
        self.chained_reads.len()
    }

    /// GPU time of every dispatch of the last run, in order, when the session was opened
    /// with [`SessionOptions::profile`] on a backend with timestamps (Vulkan; OpenCL with a
    /// profiling queue: each dispatch's own execution time); `None`
    /// otherwise or before any run.
    pub fn last_profile(&self) -> Result<Option<Vec<DispatchTime>>> {
        let Some(names) = self.last_program.and_then(|p| self.dispatch_names.get(p)) else { return Ok(None) };
        let Some(ns) = self.backend.dispatch_ns()? else { return Ok(None) };
        Ok(Some(names.iter().zip(ns).map(|((label, kernel), ns)| DispatchTime { label: label.clone(), kernel: kernel.clone(), ns }).collect()))
    }

    /// Each kernel's name with the driver's compile statistics, (name, value), captured when
    /// the session was opened with [`SessionOptions::pipeline_statistics`] on a Vulkan
    /// device that reports them; kernels without any are left out.
    pub fn kernel_statistics(&self) -> Vec<(String, Vec<(String, String)>)> {
        self.kernel_names.iter().cloned().zip(self.backend.kernel_statistics()).filter(|(_, s)| !s.is_empty()).collect()
    }

    /// Kernels launched with fewer workgroups than the bundle records, one line each (its
    /// first such dispatch, and how many more): kernels whose workgroups wait on one
    /// another (`Kernel::co_resident`) run as many as the device can be shown to hold at
    /// once, which is correct but may be slower than the grid they were compiled for.
    pub fn launch_notes(&self) -> Vec<String> {
        self.backend.launch_notes()
    }

    /// Output `name`'s position and descriptor, when the last run wrote it.
    fn written_output(&self, name: &str) -> Result<(usize, &Io)> {
        let i = self.output_index(name)?;
        let io = self.outputs.get(i).ok_or_else(|| Error::UnknownOutput { name: name.into(), known: names(&self.outputs) })?;
        if !self.output_valid.get(i).copied().unwrap_or(false) {
            return Err(Error::OutputValue { name: name.into(), message: "the last run did not write it (no run has completed yet, the last run was of another program, or Session::set_output_reads left it out)".into() });
        }
        Ok((i, io))
    }

    /// Device bytes `start .. start + len` of output `i` (`io`, named `name`), checked
    /// against its slot.
    fn output_bytes(&self, name: &str, i: usize, io: &Io, start: u64, len: u64) -> Result<Vec<u8>> {
        let end = start.checked_add(len).filter(|&e| e <= io.slot.len).ok_or_else(|| Error::OutputValue {
            name: name.to_string(),
            message: format!("bytes {start}..{} asked of {}", start.saturating_add(len), io.slot.len),
        })?;
        let mut bytes = vec![0u8; usize::try_from(end - start).map_err(|_| Error::OutputValue { name: name.to_string(), message: format!("{len} bytes do not fit this host") })?];
        self.backend.read_output(i, start, &mut bytes)?;
        Ok(bytes)
    }

    /// Elements `start .. start + len` (row-major) of float output `name` as f32: only
    /// those bytes leave the device's staging memory.
    pub fn output_f32(&self, name: &str, start: usize, len: usize) -> Result<Vec<f32>> {
        let (i, io) = self.written_output(name)?;
        let size = io.elem.size();
        let range = |n: usize| (n as u64).checked_mul(size).ok_or_else(|| Error::OutputValue { name: name.to_string(), message: format!("element {n} is out of range") });
        let bytes = self.output_bytes(name, i, io, range(start)?, range(len)?)?;
        host::f32_range(name, &bytes, io.elem, 0, len)
    }

    /// Output `name` of the last run, converted to its host dtype.
    pub fn output(&self, name: &str) -> Result<HostTensor> {
        let (i, io) = self.written_output(name)?;
        let data = self.output_bytes(name, i, io, 0, io.slot.len)?;
        host::from_device(name, &data, io.elem, io.info.dtype, &io.info.shape)
    }
}

/// The device bytes of each input program `name` reads (`reads`), empty for the others
/// (not uploaded).
fn program_inputs<'a>(inputs: &[Io], data: &'a [Option<Vec<u8>>], name: &str, reads: &[usize]) -> Result<Vec<&'a [u8]>> {
    let mut out: Vec<&[u8]> = vec![&[]; inputs.len()];
    for &i in reads {
        let (io, bytes) = inputs.get(i).zip(data.get(i)).ok_or_else(|| Error::Unsupported { what: format!("program '{name}' reads input position {i}") })?;
        let bytes = bytes.as_deref().ok_or_else(|| Error::MissingInput { name: io.info.name.clone() })?;
        if let Some(slot) = out.get_mut(i) {
            *slot = bytes;
        }
    }
    Ok(out)
}

#[cfg(feature = "vulkan")]
fn open_vulkan(bundle: &Bundle, options: &SessionOptions, inputs: &[Io], outputs: &[Io]) -> Result<Box<dyn Backend>> {
    use crate::vulkan::{Context, Executor};
    let m = bundle.manifest();
    let ctx = Context::new(options.device_index, &m.requirements, options.pipeline_statistics, !options.no_robust_buffer_access)?;
    // The device's real limits, before any buffer or pipeline exists.
    crate::bundle::verify(m, bundle.kernels_section().len() as u64, bundle.weights_section().len() as u64, Some(&ctx.limits))?;
    let slots = |l: &[Io]| l.iter().map(|io| io.slot).collect::<Vec<_>>();
    let mut ex = Executor::new(ctx, m, bundle.kernels_section(), bundle.weights_section(), &slots(inputs), &slots(outputs), !options.force_staging, options.profile)?;
    ex.set_spin_wait(std::time::Duration::from_micros(u64::from(options.spin_wait_us)));
    Ok(Box::new(ex))
}

#[cfg(not(feature = "vulkan"))]
fn open_vulkan(_: &Bundle, _: &SessionOptions, _: &[Io], _: &[Io]) -> Result<Box<dyn Backend>> {
    Err(Error::BackendNotCompiled { api: Api::Vulkan.to_string(), reason: "runtime-min was built without its `vulkan` cargo feature".into() })
}

#[cfg(feature = "opencl")]
fn open_opencl(bundle: &Bundle, options: &SessionOptions, inputs: &[Io], outputs: &[Io]) -> Result<Box<dyn Backend>> {
    use crate::opencl::{Device, Executor};
    let m = bundle.manifest();
    // Platform and device ids only: nothing is created before the bundle is verified.
    let device = Device::pick(options.device_index)?;
    crate::bundle::verify(m, bundle.kernels_section().len() as u64, bundle.weights_section().len() as u64, Some(&device.limits))?;
    let slots = |l: &[Io]| l.iter().map(|io| io.slot).collect::<Vec<_>>();
    let ex = Executor::new(device, m, bundle.kernels_section(), bundle.weights_section(), &slots(inputs), &slots(outputs), options.profile, options.pipeline_statistics)?;
    Ok(Box::new(ex))
}

#[cfg(not(feature = "opencl"))]
fn open_opencl(_: &Bundle, _: &SessionOptions, _: &[Io], _: &[Io]) -> Result<Box<dyn Backend>> {
    Err(Error::BackendNotCompiled { api: Api::OpenCl.to_string(), reason: "runtime-min was built without its `opencl` cargo feature".into() })
}
