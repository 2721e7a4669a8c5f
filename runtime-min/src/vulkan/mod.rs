//! The Vulkan executor (feature `vulkan`, ash 0.38 loading Vulkan at run time).
//!
//! [`Executor::new`] first checks every kernel (language, limits, SPIR-V length and magic),
//! then turns the verified manifest into Vulkan objects, in this order: one
//! buffer per pool (exactly the pool's size), a staging buffer if some pool cannot be
//! mapped, a command pool, a fence, a timestamp query pool, the weights upload, per kernel
//! a shader module + set layout + pipeline layout + pipeline, a descriptor pool with one set
//! per dispatch, and one recorded command buffer per program. `Drop` waits idle and
//! destroys them in reverse order. A run writes inputs, submits one command
//! buffer and waits on the fence: no recording at run time. Outputs are read from their
//! host-visible copy when asked for, and only the bytes asked for. Chained runs (`chain`:
//! greedy decode steps fed on the device) submit without waiting, each from a slot of its
//! own.

mod chain;
mod commands;
mod context;
mod memory;
mod pipelines;

pub(crate) use context::Context;

use crate::bundle::{DeviceLimits, Manifest};
use crate::error::{Error, Result};
use crate::session::{Backend, IoSlot};
use ash::vk;
use memory::{Allocation, Place};
use pipelines::KernelObjects;

/// Largest staging chunk used to upload weights to pools the host cannot map.
const WEIGHT_CHUNK: u64 = 64 << 20;
/// Alignment of slots inside the staging buffer.
const STAGING_ALIGN: u64 = 16;

/// How an input or output moves: through the pool's own mapping (`staging: None`) or
/// through the staging buffer at the given offset.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Route {
    pub(crate) pool: usize,
    pub(crate) offset: u64,
    pub(crate) len: u64,
    pub(crate) staging: Option<u64>,
}

pub(crate) struct Executor {
    // Resources, in creation order; `Drop` destroys them in reverse before `ctx` drops.
    pools: Vec<Allocation>,
    staging: Allocation,
    command_pool: vk::CommandPool,
    fence: vk::Fence,
    query_pool: vk::QueryPool,
    kernels: Vec<KernelObjects>,
    descriptor_pool: vk::DescriptorPool,
    programs: Vec<vk::CommandBuffer>,
    /// Per program, (output position, command buffer copying it back) for its staged outputs.
    output_copies: Vec<Vec<(usize, vk::CommandBuffer)>>,
    /// Per program, its positions in `inputs` and `outputs` (only those move).
    program_io: Vec<(Vec<usize>, Vec<usize>)>,
    /// The manifest's programs and their descriptor sets (chained runs record their own
    /// copies of a program's command buffer).
    manifest_programs: Vec<crate::bundle::Program>,
    program_sets: Vec<Vec<vk::DescriptorSet>>,
    /// Chained runs (`Backend::enqueue_chained`), built on first use.
    chain: Option<chain::Chain>,
    transfer_cb: vk::CommandBuffer,
    inputs: Vec<Route>,
    outputs: Vec<Route>,
    allocated: u64,
    /// Per-dispatch timestamps (`SessionOptions::profile`): dispatches of each program.
    profile: Option<Vec<usize>>,
    /// Program of the last run.
    last_program: usize,
    /// How long a run polls its fence before blocking (`SessionOptions::spin_wait_us`).
    spin_wait: std::time::Duration,
    /// Declared last so it is dropped after `Executor::drop` has freed everything above.
    ctx: Context,
}

fn align_up(v: u64, a: u64) -> u64 {
    v.div_ceil(a).saturating_mul(a)
}

impl Executor {
    /// Creates every Vulkan object for `m`. The caller has verified `m` against this
    /// context's limits. `map_pools: false` forces staging even for host-visible pools.
    /// `profile`: a timestamp after every dispatch, read by [`Backend::dispatch_ns`].
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(ctx: Context, m: &Manifest, kernels_section: &[u8], weights_section: &[u8], inputs: &[IoSlot], outputs: &[IoSlot], map_pools: bool, profile: bool) -> Result<Self> {
        // Every kernel is checked (language, limits, SPIR-V length and magic) before any
        // memory is allocated or any weight copied.
        let mut code = Vec::with_capacity(m.kernels.len());
        for (i, k) in m.kernels.iter().enumerate() {
            pipelines::check_kernel(&ctx, i, k)?;
            code.push(pipelines::spirv_words(kernels_section, i, k)?);
        }
        let mut ex = Executor {
            pools: Vec::with_capacity(m.pools.len()),
            staging: Allocation::default(),
            command_pool: vk::CommandPool::null(),
            fence: vk::Fence::null(),
            query_pool: vk::QueryPool::null(),
            kernels: Vec::with_capacity(m.kernels.len()),
            descriptor_pool: vk::DescriptorPool::null(),
            programs: Vec::with_capacity(m.programs.len()),
            output_copies: Vec::with_capacity(m.programs.len()),
            program_io: m.programs.iter().map(|p| (p.inputs.iter().map(|&i| i as usize).collect(), p.outputs.iter().map(|&i| i as usize).collect())).collect(),
            manifest_programs: m.programs.clone(),
            program_sets: Vec::with_capacity(m.programs.len()),
            chain: None,
            transfer_cb: vk::CommandBuffer::null(),
            inputs: Vec::new(),
            outputs: Vec::new(),
            allocated: 0,
            profile: profile.then(|| m.programs.iter().map(|p| p.dispatches.len()).collect()),
            last_program: 0,
            spin_wait: std::time::Duration::ZERO,
            ctx,
        };
        // From here on, an early return drops `ex`, which destroys what exists so far.
        for (i, p) in m.pools.iter().enumerate() {
            let a = if p.size == 0 {
                Allocation::default()
            } else {
                Allocation::create(&ex.ctx, p.size, Place::Device { map: map_pools }, &format!("pools[{i}] '{}'", p.name))?
            };
            ex.pools.push(a);
            ex.allocated = ex.allocated.saturating_add(p.size);
        }
        let mut staged = 0u64;
        let mut route = |s: &IoSlot, pools: &[Allocation]| {
            let pool = s.pool as usize;
            let mapped = pools.get(pool).is_some_and(|a| a.mapping.is_some());
            let staging = (!mapped && s.len > 0).then(|| {
                let at = staged;
                staged = align_up(staged.saturating_add(s.len), STAGING_ALIGN);
                at
            });
            Route { pool, offset: s.offset, len: s.len, staging }
        };
        ex.inputs = inputs.iter().map(|s| route(s, &ex.pools)).collect();
        ex.outputs = outputs.iter().map(|s| route(s, &ex.pools)).collect();
        let staged_weights = m
            .weights
            .iter()
            .filter(|w| ex.pools.get(w.pool as usize).is_some_and(|a| a.mapping.is_none()))
            .fold(0u64, |a, w| a.saturating_add(w.data.len));
        let staging_size = staged.max(staged_weights.min(WEIGHT_CHUNK));
        if staging_size > 0 {
            ex.staging = Allocation::create(&ex.ctx, staging_size, Place::Staging, "staging buffer")?;
        }
        ex.create_sync()?;
        ex.upload_weights(m, weights_section)?;
        for (k, words) in m.kernels.iter().zip(&code) {
            ex.kernels.push(KernelObjects::default());
            if let Some(objs) = ex.kernels.last_mut() {
                pipelines::create_kernel(&ex.ctx, words, k, objs)?;
            }
        }
        ex.descriptor_pool = pipelines::create_descriptor_pool(&ex.ctx, &m.kernels, &m.programs)?;
        ex.record_programs(m)?;
        Ok(ex)
    }

    /// Command pool, the transfer command buffer, the fence and the timestamp query pool.
    fn create_sync(&mut self) -> Result<()> {
        let d = &self.ctx.device;
        let info = vk::CommandPoolCreateInfo::default()
            .flags(vk::CommandPoolCreateFlags::RESET_COMMAND_BUFFER)
            .queue_family_index(self.ctx.queue_family);
        // SAFETY: valid create info for a queue family of this device.
        self.command_pool = unsafe { d.create_command_pool(&info, None) }.map_err(|e| Error::vk("vkCreateCommandPool", e))?;
        // SAFETY: valid create info.
        self.fence = unsafe { d.create_fence(&vk::FenceCreateInfo::default(), None) }.map_err(|e| Error::vk("vkCreateFence", e))?;
        self.transfer_cb = self.allocate_command_buffers(1)?.first().copied().unwrap_or_default();
        if self.ctx.timestamp_valid_bits > 0 {
            let per_dispatch = self.profile.as_ref().and_then(|p| p.iter().max().copied()).unwrap_or(0);
            let count = u32::try_from(per_dispatch.saturating_add(2)).map_err(|_| Error::Unsupported { what: "more than 2^32 dispatches to profile".into() })?;
            let info = vk::QueryPoolCreateInfo::default().query_type(vk::QueryType::TIMESTAMP).query_count(count);
            // SAFETY: valid create info.
            self.query_pool = unsafe { d.create_query_pool(&info, None) }.map_err(|e| Error::vk("vkCreateQueryPool", e))?;
        }
        Ok(())
    }

    fn allocate_command_buffers(&self, n: u32) -> Result<Vec<vk::CommandBuffer>> {
        let info = vk::CommandBufferAllocateInfo::default()
            .command_pool(self.command_pool)
            .level(vk::CommandBufferLevel::PRIMARY)
            .command_buffer_count(n);
        // SAFETY: the command pool is valid; buffers are freed with it.
        unsafe { self.ctx.device.allocate_command_buffers(&info) }.map_err(|e| Error::vk("vkAllocateCommandBuffers", e))
    }

    /// Copies every `manifest.weights` range into its pool: directly into a mapped pool,
    /// otherwise in staging-sized batches of copy commands.
    fn upload_weights(&mut self, m: &Manifest, weights_section: &[u8]) -> Result<()> {
        let mut batch: Vec<(vk::Buffer, vk::BufferCopy)> = Vec::new();
        let mut used = 0u64;
        for (i, w) in m.weights.iter().enumerate() {
            let what = format!("weights[{i}]");
            let start = usize::try_from(w.data.offset).ok();
            let end = w.data.offset.checked_add(w.data.len).and_then(|e| usize::try_from(e).ok());
            let data = start
                .zip(end)
                .and_then(|(s, e)| weights_section.get(s..e))
                .ok_or_else(|| Error::Unsupported { what: format!("{what}: data range outside the weights section") })?;
            let pool = self.pools.get_mut(w.pool as usize).ok_or_else(|| Error::Unsupported { what: format!("{what}: no pool {}", w.pool) })?;
            if let Some(map) = pool.mapping.as_mut() {
                map.write(w.pool_offset, data, &what)?;
                continue;
            }
            let dst = pool.buffer;
            let mut done = 0usize;
            while done < data.len() {
                if used == self.staging.size {
                    commands::copy_batch(&self.ctx.device, self.ctx.queue, self.fence, self.transfer_cb, self.staging.buffer, &batch)?;
                    batch.clear();
                    used = 0;
                }
                let room = usize::try_from(self.staging.size - used).unwrap_or(usize::MAX);
                let chunk = data.get(done..).unwrap_or_default();
                let chunk = chunk.get(..room.min(chunk.len())).unwrap_or_default();
                let staging = self.staging.mapping.as_mut().ok_or_else(|| Error::Unsupported { what: "staging buffer is not mapped".into() })?;
                staging.write(used, chunk, "staging buffer")?;
                let dst_offset = w.pool_offset.saturating_add(done as u64);
                batch.push((dst, vk::BufferCopy { src_offset: used, dst_offset, size: chunk.len() as u64 }));
                used += chunk.len() as u64;
                done += chunk.len();
            }
        }
        commands::copy_batch(&self.ctx.device, self.ctx.queue, self.fence, self.transfer_cb, self.staging.buffer, &batch)
    }

    fn record_programs(&mut self, m: &Manifest) -> Result<()> {
        let n = u32::try_from(m.programs.len()).map_err(|_| Error::Unsupported { what: "more than 2^32 programs".into() })?;
        if n == 0 {
            return Ok(());
        }
        self.programs = self.allocate_command_buffers(n)?;
        for ((program, &cb), (reads, writes)) in m.programs.iter().zip(&self.programs).zip(&self.program_io) {
            let sets = pipelines::write_sets(&self.ctx, self.descriptor_pool, &self.kernels, program, &self.pools)?;
            let inputs: Vec<Route> = reads.iter().filter_map(|&i| self.inputs.get(i).copied()).collect();
            let rec = commands::Recorder {
                device: &self.ctx.device,
                kernels: &self.kernels,
                sets: &sets,
                pools: &self.pools,
                staging: self.staging.buffer,
                query_pool: self.query_pool,
                profile: self.profile.is_some(),
                inputs: &inputs,
            };
            rec.record(cb, program)?;
            self.program_sets.push(sets.clone());
            // One command buffer per staged output, submitted after the program's when the
            // host will read that output.
            let staged: Vec<usize> = writes.iter().copied().filter(|&i| self.outputs.get(i).is_some_and(|r| r.staging.is_some() && r.len > 0)).collect();
            let cbs = if staged.is_empty() { Vec::new() } else { self.allocate_command_buffers(u32::try_from(staged.len()).unwrap_or(u32::MAX))? };
            let mut copies = Vec::with_capacity(staged.len());
            for (&o, &ccb) in staged.iter().zip(&cbs) {
                if let Some(r) = self.outputs.get(o) {
                    if rec.record_copy(ccb, r)? {
                        copies.push((o, ccb));
                    }
                }
            }
            self.output_copies.push(copies);
        }
        Ok(())
    }

    /// Runs poll their fence for up to `spin` before blocking on it.
    pub(crate) fn set_spin_wait(&mut self, spin: std::time::Duration) {
        self.spin_wait = spin;
    }

    /// Writes `inputs` (one byte vector per input slot, in order) and runs program `index`
    /// to completion; outputs stay in their host-visible copies (`read`). Returns GPU
    /// nanoseconds if timed.
    fn execute(&mut self, index: usize, inputs: &[&[u8]], wanted: Option<&[usize]>) -> Result<Option<u64>> {
        let cb = *self.programs.get(index).ok_or_else(|| Error::Unsupported { what: format!("program index {index}") })?;
        let reads = self.program_io.get(index).map(|(r, _)| r.clone()).unwrap_or_default();
        for (r, bytes) in reads.iter().filter_map(|&i| self.inputs.get(i).zip(inputs.get(i))) {
            if bytes.len() as u64 != r.len {
                return Err(Error::Unsupported { what: format!("input of {} bytes for a {}-byte slot", bytes.len(), r.len) });
            }
            let (map, at) = match r.staging {
                Some(at) => (self.staging.mapping.as_mut(), at),
                None => (self.pools.get_mut(r.pool).and_then(|a| a.mapping.as_mut()), r.offset),
            };
            if let Some(map) = map {
                map.write(at, bytes, "input")?;
            }
        }
        // The program, then the copies back of the staged outputs the host will read.
        let mut cbs = vec![cb];
        if let Some(copies) = self.output_copies.get(index) {
            cbs.extend(copies.iter().filter(|(o, _)| wanted.is_none_or(|w| w.contains(o))).map(|&(_, c)| c));
        }
        commands::submit_and_wait(&self.ctx.device, self.ctx.queue, self.fence, &cbs, self.spin_wait)?;
        self.last_program = index;
        self.gpu_ns()
    }

    /// Bytes `offset ..` of output `output` from its host-visible copy (the staging slot
    /// the program copied it to, or its own mapped pool).
    fn read(&self, output: usize, offset: u64, dst: &mut [u8]) -> Result<()> {
        let r = self.outputs.get(output).ok_or_else(|| Error::Unsupported { what: format!("output position {output}") })?;
        if offset.saturating_add(dst.len() as u64) > r.len {
            return Err(Error::Unsupported { what: format!("bytes {offset}..+{} of a {}-byte output slot", dst.len(), r.len) });
        }
        let (map, at) = match r.staging {
            Some(at) => (self.staging.mapping.as_ref(), at),
            None => (self.pools.get(r.pool).and_then(|a| a.mapping.as_ref()), r.offset),
        };
        match map {
            Some(map) => map.read(at.saturating_add(offset), dst, "output"),
            None => Err(Error::Unsupported { what: format!("output position {output} has no host-visible copy") }),
        }
    }

    /// Nanoseconds between two timestamps of this queue (wrapping at its valid bits).
    fn elapsed_ns(&self, from: u64, to: u64) -> u64 {
        let bits = self.ctx.timestamp_valid_bits;
        let mask = if bits >= 64 { u64::MAX } else { (1u64 << bits) - 1 };
        ((to.wrapping_sub(from) & mask) as f64 * f64::from(self.ctx.timestamp_period_ns)).round() as u64
    }

    fn gpu_ns(&self) -> Result<Option<u64>> {
        if self.query_pool == vk::QueryPool::null() {
            return Ok(None);
        }
        let mut ts = [0u64; 2];
        let flags = vk::QueryResultFlags::TYPE_64 | vk::QueryResultFlags::WAIT;
        // SAFETY: both queries were written by the submission just waited for.
        unsafe { self.ctx.device.get_query_pool_results(self.query_pool, 0, &mut ts, flags) }
            .map_err(|e| Error::vk("vkGetQueryPoolResults", e))?;
        Ok(Some(self.elapsed_ns(ts[0], ts[1])))
    }
}

impl Executor {
    /// GPU nanoseconds of each dispatch of the last run, from the timestamp written after
    /// it (the first from the program's start); `None` unless profiling.
    fn dispatch_times(&self) -> Result<Option<Vec<u64>>> {
        let Some(n) = self.profile.as_ref().and_then(|p| p.get(self.last_program).copied()) else { return Ok(None) };
        if self.query_pool == vk::QueryPool::null() {
            return Ok(None);
        }
        let mut ts = vec![0u64; n + 2];
        let flags = vk::QueryResultFlags::TYPE_64 | vk::QueryResultFlags::WAIT;
        // SAFETY: queries 0..n+2 were reset and written by the last program's submission,
        // which was waited for.
        unsafe { self.ctx.device.get_query_pool_results(self.query_pool, 0, &mut ts, flags) }
            .map_err(|e| Error::vk("vkGetQueryPoolResults", e))?;
        let mut prev = ts[0];
        let times = ts[2..]
            .iter()
            .map(|&t| {
                let ns = self.elapsed_ns(prev, t);
                prev = t;
                ns
            })
            .collect();
        Ok(Some(times))
    }
}

impl Backend for Executor {
    fn kernel_statistics(&self) -> Vec<Vec<(String, String)>> {
        self.kernels.iter().map(|k| k.statistics.clone()).collect()
    }

    fn dispatch_ns(&self) -> Result<Option<Vec<u64>>> {
        self.dispatch_times()
    }

    fn device_name(&self) -> &str {
        &self.ctx.name
    }

    fn limits(&self) -> &DeviceLimits {
        &self.ctx.limits
    }

    fn allocated_bytes(&self) -> u64 {
        self.allocated
    }

    fn run(&mut self, program: usize, inputs: &[&[u8]], reads: Option<&[usize]>) -> Result<Option<u64>> {
        self.execute(program, inputs, reads)
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
        self.wait_chain()
    }
}

impl Drop for Executor {
    fn drop(&mut self) {
        let d = &self.ctx.device;
        // SAFETY: waiting idle first guarantees no submitted work still uses anything
        // below; then objects are destroyed in reverse creation order. Null handles (never
        // created) are ignored by Vulkan. Descriptor sets and command buffers are freed with
        // their pools. `ctx` (device, instance) is dropped after this body.
        unsafe {
            let _ = d.device_wait_idle();
            if let Some(mut c) = self.chain.take() {
                c.destroy(d);
            }
            d.destroy_descriptor_pool(self.descriptor_pool, None);
            for k in self.kernels.iter_mut().rev() {
                k.destroy(d);
            }
            d.destroy_query_pool(self.query_pool, None);
            d.destroy_fence(self.fence, None);
            d.destroy_command_pool(self.command_pool, None);
            self.staging.destroy(d);
            for p in self.pools.iter_mut().rev() {
                p.destroy(d);
            }
        }
    }
}
