//! Command recording: one command buffer per program, recorded once at session creation
//! and replayed by every run (kompute's "Sequence"), plus one-shot transfer batches.
//!
//! A program's command buffer, in order:
//!
//! ```text
//! reset timestamp queries                      (when the queue has timestamps)
//! copy staged inputs: staging → pool           (pools the host cannot map)
//! barrier  host/transfer/compute writes → compute reads+writes
//! timestamp 0
//! per dispatch: [barrier compute write → compute read+write if barrier_before]
//!               bind pipeline, bind set, push constants, dispatch(grid)
//!               [timestamp 2 + dispatch index, when profiling]
//! timestamp 1
//! barrier  compute writes → host/transfer reads
//! ```
//!
//! and per staged output it writes, a command buffer of its own submitted after it when the
//! host will read that output: copy pool → staging, barrier transfer write → host read (a
//! greedy decode step copies back its chosen id, not the logits).

use super::memory::Allocation;
use super::pipelines::KernelObjects;
use super::Route;
use crate::bundle::Program;
use crate::error::{Error, Result};
use ash::vk;

type Access = vk::AccessFlags;
type Stage = vk::PipelineStageFlags;

/// A global memory barrier from `src` to `dst`.
pub(crate) fn barrier(d: &ash::Device, cb: vk::CommandBuffer, src: (Stage, Access), dst: (Stage, Access)) {
    let mb = [vk::MemoryBarrier::default().src_access_mask(src.1).dst_access_mask(dst.1)];
    // SAFETY: `cb` is in the recording state (caller's contract); no buffer or image
    // barriers are passed.
    unsafe { d.cmd_pipeline_barrier(cb, src.0, dst.0, vk::DependencyFlags::empty(), &mb, &[], &[]) };
}

/// The buffer of the pool that holds `r`.
pub(crate) fn pool_buffer(pools: &[Allocation], r: &Route) -> Result<vk::Buffer> {
    pools
        .get(r.pool)
        .map(|a| a.buffer)
        .filter(|&b| b != vk::Buffer::null())
        .ok_or_else(|| Error::Unsupported { what: format!("tensor in pool {} which has no buffer", r.pool) })
}

/// What recording a program needs from the executor.
pub(crate) struct Recorder<'a> {
    pub(crate) device: &'a ash::Device,
    pub(crate) kernels: &'a [KernelObjects],
    pub(crate) sets: &'a [vk::DescriptorSet],
    pub(crate) pools: &'a [Allocation],
    pub(crate) staging: vk::Buffer,
    pub(crate) query_pool: vk::QueryPool,
    /// A timestamp after every dispatch (queries 2..2+dispatches).
    pub(crate) profile: bool,
    pub(crate) inputs: &'a [Route],
}

impl Recorder<'_> {
    fn pool_buffer(&self, r: &Route) -> Result<vk::Buffer> {
        pool_buffer(self.pools, r)
    }

    /// Records `program` into `cb` (freshly allocated, primary).
    pub(crate) fn record(&self, cb: vk::CommandBuffer, program: &Program) -> Result<()> {
        let d = self.device;
        let begin = vk::CommandBufferBeginInfo::default();
        // SAFETY: `cb` is a fresh primary command buffer from a pool of this device.
        unsafe { d.begin_command_buffer(cb, &begin) }.map_err(|e| Error::vk("vkBeginCommandBuffer", e))?;
        let timed = self.query_pool != vk::QueryPool::null();
        let queries = if self.profile { u32::try_from(program.dispatches.len().saturating_add(2)).unwrap_or(2) } else { 2 };
        if timed {
            // SAFETY: the query pool has 2 timestamp queries, plus one per dispatch of the
            // longest program when profiling; recording state.
            unsafe { d.cmd_reset_query_pool(cb, self.query_pool, 0, queries) };
        }
        for r in self.inputs {
            if let (Some(at), true) = (r.staging, r.len > 0) {
                let region = [vk::BufferCopy { src_offset: at, dst_offset: r.offset, size: r.len }];
                // SAFETY: both ranges lie inside their buffers (staging was sized for every
                // staged slot; the pool range was checked by the verifier).
                unsafe { d.cmd_copy_buffer(cb, self.staging, self.pool_buffer(r)?, &region) };
            }
        }
        let writes = (
            Stage::HOST | Stage::TRANSFER | Stage::COMPUTE_SHADER,
            Access::HOST_WRITE | Access::TRANSFER_WRITE | Access::SHADER_WRITE,
        );
        let compute_rw = (Stage::COMPUTE_SHADER, Access::SHADER_READ | Access::SHADER_WRITE);
        barrier(d, cb, writes, compute_rw);
        if timed {
            // SAFETY: query 0 was reset above in this command buffer.
            unsafe { d.cmd_write_timestamp(cb, Stage::BOTTOM_OF_PIPE, self.query_pool, 0) };
        }
        for (di, disp) in program.dispatches.iter().enumerate() {
            let k = self.kernels.get(disp.kernel as usize).ok_or_else(|| Error::Unsupported { what: format!("dispatch '{}' has no kernel", disp.label) })?;
            let set = self.sets.get(di).copied().ok_or_else(|| Error::Unsupported { what: format!("dispatch '{}' has no descriptor set", disp.label) })?;
            if disp.barrier_before {
                barrier(d, cb, (Stage::COMPUTE_SHADER, Access::SHADER_WRITE), compute_rw);
            }
            // SAFETY: pipeline, layout and set belong to this kernel; the push-constant bytes
            // match the layout's range (verifier: length == push_constant_bytes); the grid
            // is within maxComputeWorkGroupCount (verifier, with this device's limits).
            unsafe {
                d.cmd_bind_pipeline(cb, vk::PipelineBindPoint::COMPUTE, k.pipeline);
                d.cmd_bind_descriptor_sets(cb, vk::PipelineBindPoint::COMPUTE, k.pipeline_layout, 0, &[set], &[]);
                if !disp.push_constants.is_empty() {
                    d.cmd_push_constants(cb, k.pipeline_layout, vk::ShaderStageFlags::COMPUTE, 0, &disp.push_constants);
                }
                d.cmd_dispatch(cb, disp.grid[0], disp.grid[1], disp.grid[2]);
            }
            if timed && self.profile {
                // SAFETY: query 2 + di < queries, reset above in this command buffer.
                unsafe { d.cmd_write_timestamp(cb, Stage::BOTTOM_OF_PIPE, self.query_pool, 2 + di as u32) };
            }
        }
        if timed {
            // SAFETY: query 1 was reset above in this command buffer.
            unsafe { d.cmd_write_timestamp(cb, Stage::BOTTOM_OF_PIPE, self.query_pool, 1) };
        }
        barrier(
            d,
            cb,
            (Stage::COMPUTE_SHADER, Access::SHADER_WRITE),
            (Stage::HOST | Stage::TRANSFER, Access::HOST_READ | Access::TRANSFER_READ),
        );
        // SAFETY: `cb` is in the recording state.
        unsafe { d.end_command_buffer(cb) }.map_err(|e| Error::vk("vkEndCommandBuffer", e))
    }

    /// Records into `cb` (fresh, primary) the copy of staged output `r` back to the host,
    /// submitted after its program's command buffer (whose closing barrier orders the
    /// shaders' writes before it); false when `r` is not staged (nothing recorded).
    pub(crate) fn record_copy(&self, cb: vk::CommandBuffer, r: &Route) -> Result<bool> {
        let Some(at) = r.staging.filter(|_| r.len > 0) else { return Ok(false) };
        let d = self.device;
        // SAFETY: `cb` is a fresh primary command buffer from a pool of this device.
        unsafe { d.begin_command_buffer(cb, &vk::CommandBufferBeginInfo::default()) }.map_err(|e| Error::vk("vkBeginCommandBuffer", e))?;
        let region = [vk::BufferCopy { src_offset: r.offset, dst_offset: at, size: r.len }];
        // SAFETY: as for the input copies.
        unsafe { d.cmd_copy_buffer(cb, self.pool_buffer(r)?, self.staging, &region) };
        barrier(d, cb, (Stage::TRANSFER, Access::TRANSFER_WRITE), (Stage::HOST, Access::HOST_READ));
        // SAFETY: `cb` is in the recording state.
        unsafe { d.end_command_buffer(cb) }.map_err(|e| Error::vk("vkEndCommandBuffer", e))?;
        Ok(true)
    }
}

/// Submits `cbs` in one batch, waits for `fence`, and resets it.
pub(crate) fn submit_and_wait(device: &ash::Device, queue: vk::Queue, fence: vk::Fence, cbs: &[vk::CommandBuffer], spin: std::time::Duration) -> Result<()> {
    let submit = [vk::SubmitInfo::default().command_buffers(cbs)];
    // SAFETY: the command buffers are fully recorded and not pending (every submission
    // is waited for before the next), the fence is unsignalled, and the queue is only
    // used by this executor, which `&mut self` serialises.
    unsafe { device.queue_submit(queue, &submit, fence) }.map_err(|e| Error::vk("vkQueueSubmit", e))?;
    wait_and_reset(device, fence, spin)
}

/// Waits for `fence` (polling it for up to `spin` first) and resets it.
pub(crate) fn wait_and_reset(device: &ash::Device, fence: vk::Fence, spin: std::time::Duration) -> Result<()> {
    // SAFETY: `fence` belongs to `device` and was submitted with work that signals it.
    unsafe {
        // Poll first (`SessionOptions::spin_wait_us`): a blocked wait wakes through the OS.
        let start = std::time::Instant::now();
        let mut done = false;
        while !spin.is_zero() && start.elapsed() < spin {
            if device.get_fence_status(fence).map_err(|e| Error::vk("vkGetFenceStatus", e))? {
                done = true;
                break;
            }
            std::hint::spin_loop();
        }
        if !done {
            device.wait_for_fences(&[fence], true, u64::MAX).map_err(|e| Error::vk("vkWaitForFences", e))?;
        }
        device.reset_fences(&[fence]).map_err(|e| Error::vk("vkResetFences", e))
    }
}

/// Records `copies` (staging → destination buffer) into `cb` as one-shot work, submits it
/// and waits.
pub(crate) fn copy_batch(device: &ash::Device, queue: vk::Queue, fence: vk::Fence, cb: vk::CommandBuffer, staging: vk::Buffer, copies: &[(vk::Buffer, vk::BufferCopy)]) -> Result<()> {
    if copies.is_empty() {
        return Ok(());
    }
    let begin = vk::CommandBufferBeginInfo::default().flags(vk::CommandBufferUsageFlags::ONE_TIME_SUBMIT);
    // SAFETY: `cb` comes from a pool created with RESET_COMMAND_BUFFER and is not pending
    // (the previous batch was waited for), so beginning it resets it.
    unsafe { device.begin_command_buffer(cb, &begin) }.map_err(|e| Error::vk("vkBeginCommandBuffer", e))?;
    for (dst, region) in copies {
        // SAFETY: ranges were checked against both buffers by the caller.
        unsafe { device.cmd_copy_buffer(cb, staging, *dst, std::slice::from_ref(region)) };
    }
    // SAFETY: recording state.
    unsafe { device.end_command_buffer(cb) }.map_err(|e| Error::vk("vkEndCommandBuffer", e))?;
    submit_and_wait(device, queue, fence, &[cb], std::time::Duration::ZERO)
}
