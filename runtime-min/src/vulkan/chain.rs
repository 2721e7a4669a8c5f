//! Chained runs of one program (greedy decode steps, each fed the token the step before
//! chose, with no host round trip between them): a ring of slots, each with its own
//! fence, its own bytes of a host-visible chain buffer, and its own copy of the program's
//! command buffer recorded without input copies. A run writes its host inputs into its
//! slot's bytes and submits, in one batch: a one-time command buffer copying them (and the
//! fed input, from the output the run before wrote) into their pool slots, the program,
//! and a one-time copy of the read output back into the slot. Runs are waited for in start
//! order; the host waits only when it reads a run's output.

use std::collections::VecDeque;

use super::commands::{self, pool_buffer, Recorder};
use super::memory::{Allocation, Place};
use super::{align_up, Executor, Route, STAGING_ALIGN};
use crate::error::{Error, Result};
use ash::vk;

/// Runs that may be in flight at once (a greedy loop keeps two).
const SLOTS: usize = 3;

struct Slot {
    /// Host inputs in, the fed input copied, then the program: re-recorded per run.
    prelude: vk::CommandBuffer,
    /// The program, recorded once, without input copies or timestamps.
    program: vk::CommandBuffer,
    /// The read output back into the slot's bytes: re-recorded per run.
    post: vk::CommandBuffer,
    fence: vk::Fence,
}

/// The chain of one program and read output; rebuilt (nothing in flight) for another.
pub(crate) struct Chain {
    program: usize,
    read: usize,
    bytes: Allocation,
    /// Per program input: its offset in a slot's bytes.
    input_at: Vec<(usize, u64)>,
    read_at: u64,
    slot_bytes: u64,
    slots: Vec<Slot>,
    next: usize,
    /// Slots of the runs in flight, oldest first.
    in_flight: VecDeque<usize>,
}

impl Chain {
    /// Destroys the fences and the chain buffer (command buffers go with their pool).
    ///
    /// # Safety
    /// No submitted work may still use them (the caller waited idle or for every fence).
    pub(crate) unsafe fn destroy(&mut self, device: &ash::Device) {
        // SAFETY: per this function's contract.
        unsafe {
            for s in &self.slots {
                device.destroy_fence(s.fence, None);
            }
            self.bytes.destroy(device);
        }
        self.slots.clear();
    }

    pub(crate) fn in_flight(&self) -> usize {
        self.in_flight.len()
    }
}

fn route_of(routes: &[Route], i: usize, what: &str) -> Result<Route> {
    routes.get(i).copied().ok_or_else(|| Error::Unsupported { what: format!("{what} position {i}") })
}

impl Executor {
    /// The chain for (`program`, `read`), built when there is none or another one with
    /// nothing in flight.
    fn chain_for(&mut self, program: usize, read: usize) -> Result<()> {
        if self.chain.as_ref().is_some_and(|c| c.program == program && c.read == read) {
            return Ok(());
        }
        if let Some(mut old) = self.chain.take() {
            if old.in_flight() > 0 {
                let n = old.in_flight();
                self.chain = Some(old);
                return Err(Error::Unsupported { what: format!("another chained program with {n} runs in flight") });
            }
            // SAFETY: nothing of the old chain is in flight (every fence was waited for).
            unsafe { old.destroy(&self.ctx.device) };
        }
        let reads = self.program_io.get(program).map(|(r, _)| r.clone()).ok_or_else(|| Error::Unsupported { what: format!("program index {program}") })?;
        let mut at = 0u64;
        let mut input_at = Vec::with_capacity(reads.len());
        for &i in &reads {
            let r = route_of(&self.inputs, i, "input")?;
            input_at.push((i, at));
            at = align_up(at.saturating_add(r.len), STAGING_ALIGN);
        }
        let read_at = at;
        let slot_bytes = align_up(at.saturating_add(route_of(&self.outputs, read, "output")?.len), STAGING_ALIGN).max(STAGING_ALIGN);
        let mut chain = Chain { program, read, bytes: Allocation::default(), input_at, read_at, slot_bytes, slots: Vec::with_capacity(SLOTS), next: 0, in_flight: VecDeque::new() };
        // (On an error below, `chain` is destroyed before returning.)
        let built = self.build_slots(&mut chain);
        if let Err(e) = built {
            // SAFETY: nothing of the new chain was submitted.
            unsafe { chain.destroy(&self.ctx.device) };
            return Err(e);
        }
        self.chain = Some(chain);
        Ok(())
    }

    fn build_slots(&self, chain: &mut Chain) -> Result<()> {
        let size = chain.slot_bytes.saturating_mul(SLOTS as u64);
        chain.bytes = Allocation::create(&self.ctx, size, Place::Staging, "chained runs' buffer")?;
        let program = self.manifest_programs.get(chain.program).ok_or_else(|| Error::Unsupported { what: format!("program index {}", chain.program) })?;
        let sets = self.program_sets.get(chain.program).ok_or_else(|| Error::Unsupported { what: format!("program index {}", chain.program) })?;
        let cbs = self.allocate_command_buffers(3 * SLOTS as u32)?;
        let rec = Recorder {
            device: &self.ctx.device,
            kernels: &self.kernels,
            sets,
            pools: &self.pools,
            staging: self.staging.buffer,
            query_pool: vk::QueryPool::null(),
            profile: false,
            inputs: &[],
        };
        for c in cbs.chunks_exact(3) {
            let (prelude, program_cb, post) = (c[0], c[1], c[2]);
            rec.record(program_cb, program)?;
            // SAFETY: valid create info.
            let fence = unsafe { self.ctx.device.create_fence(&vk::FenceCreateInfo::default(), None) }.map_err(|e| Error::vk("vkCreateFence", e))?;
            chain.slots.push(Slot { prelude, program: program_cb, post, fence });
        }
        Ok(())
    }

    /// Starts `program` without waiting (see the module note); `fed` = (input, output).
    pub(crate) fn chain(&mut self, program: usize, inputs: &[&[u8]], fed: Option<(usize, usize)>, read: usize) -> Result<()> {
        self.chain_for(program, read)?;
        let Some(chain) = self.chain.as_mut() else { return Err(Error::Unsupported { what: "no chain".into() }) };
        let slot_index = chain.next;
        if chain.in_flight.contains(&slot_index) {
            return Err(Error::Unsupported { what: format!("more than {SLOTS} chained runs in flight") });
        }
        let base = chain.slot_bytes.saturating_mul(slot_index as u64);
        // Every copy checked (and the host bytes written) before anything is recorded.
        let mut copies: Vec<(vk::Buffer, vk::Buffer, vk::BufferCopy)> = Vec::with_capacity(chain.input_at.len());
        for &(i, at) in &chain.input_at {
            let r = route_of(&self.inputs, i, "input")?;
            if r.len == 0 {
                continue;
            }
            let dst = pool_buffer(&self.pools, &r)?;
            if let Some((_, fed_out)) = fed.filter(|&(fi, _)| fi == i) {
                let o = route_of(&self.outputs, fed_out, "output")?;
                if o.len != r.len {
                    return Err(Error::Unsupported { what: format!("feeding a {}-byte input from a {}-byte output", r.len, o.len) });
                }
                copies.push((pool_buffer(&self.pools, &o)?, dst, vk::BufferCopy { src_offset: o.offset, dst_offset: r.offset, size: r.len }));
                continue;
            }
            let bytes = inputs.get(i).ok_or_else(|| Error::Unsupported { what: format!("no bytes for input position {i}") })?;
            if bytes.len() as u64 != r.len {
                return Err(Error::Unsupported { what: format!("input of {} bytes for a {}-byte slot", bytes.len(), r.len) });
            }
            let map = chain.bytes.mapping.as_mut().ok_or_else(|| Error::Unsupported { what: "chained runs' buffer is not mapped".into() })?;
            map.write(base.saturating_add(at), bytes, "chained input")?;
            copies.push((chain.bytes.buffer, dst, vk::BufferCopy { src_offset: base.saturating_add(at), dst_offset: r.offset, size: r.len }));
        }
        let o = route_of(&self.outputs, chain.read, "output")?;
        let back = vk::BufferCopy { src_offset: o.offset, dst_offset: base.saturating_add(chain.read_at), size: o.len };
        let back_src = pool_buffer(&self.pools, &o)?;
        let slot = chain.slots.get(slot_index).ok_or_else(|| Error::Unsupported { what: format!("chain slot {slot_index}") })?;
        let d = &self.ctx.device;
        let begin = vk::CommandBufferBeginInfo::default().flags(vk::CommandBufferUsageFlags::ONE_TIME_SUBMIT);
        // SAFETY: the slot's command buffers are not pending (its last run was waited for)
        // nor recording (each is ended below before any error can return) and come from a
        // pool created with RESET_COMMAND_BUFFER; every range was checked above (pool ranges
        // by the verifier, the slot's within the chain buffer sized for every slot).
        unsafe {
            d.begin_command_buffer(slot.prelude, &begin).map_err(|e| Error::vk("vkBeginCommandBuffer", e))?;
            // The run before (its compute reads of these inputs, its writes of the fed
            // output) comes first.
            commands::barrier(
                d,
                slot.prelude,
                (vk::PipelineStageFlags::COMPUTE_SHADER | vk::PipelineStageFlags::TRANSFER, vk::AccessFlags::SHADER_WRITE | vk::AccessFlags::TRANSFER_WRITE),
                (vk::PipelineStageFlags::TRANSFER, vk::AccessFlags::TRANSFER_READ | vk::AccessFlags::TRANSFER_WRITE),
            );
            for (src, dst, region) in &copies {
                d.cmd_copy_buffer(slot.prelude, *src, *dst, std::slice::from_ref(region));
            }
            d.end_command_buffer(slot.prelude).map_err(|e| Error::vk("vkEndCommandBuffer", e))?;
            // The read output back (the program's closing barrier orders its writes first).
            d.begin_command_buffer(slot.post, &begin).map_err(|e| Error::vk("vkBeginCommandBuffer", e))?;
            if back.size > 0 {
                d.cmd_copy_buffer(slot.post, back_src, chain.bytes.buffer, &[back]);
            }
            commands::barrier(d, slot.post, (vk::PipelineStageFlags::TRANSFER, vk::AccessFlags::TRANSFER_WRITE), (vk::PipelineStageFlags::HOST, vk::AccessFlags::HOST_READ));
            d.end_command_buffer(slot.post).map_err(|e| Error::vk("vkEndCommandBuffer", e))?;
        }
        let cbs = [slot.prelude, slot.program, slot.post];
        let submit = [vk::SubmitInfo::default().command_buffers(&cbs)];
        // SAFETY: the three command buffers are recorded and not pending; the slot's fence
        // is unsignalled (reset when its last run was waited for); `&mut self` serialises
        // the queue.
        unsafe { d.queue_submit(self.ctx.queue, &submit, slot.fence) }.map_err(|e| Error::vk("vkQueueSubmit", e))?;
        chain.in_flight.push_back(slot_index);
        chain.next = (slot_index + 1) % SLOTS;
        Ok(())
    }

    /// Waits for the oldest chained run and returns the bytes of its read output.
    pub(crate) fn wait_chain(&mut self) -> Result<Vec<u8>> {
        let chain = self.chain.as_mut().ok_or_else(|| Error::Unsupported { what: "waiting with no chained run in flight".into() })?;
        let slot_index = chain.in_flight.pop_front().ok_or_else(|| Error::Unsupported { what: "waiting with no chained run in flight".into() })?;
        let slot = chain.slots.get(slot_index).ok_or_else(|| Error::Unsupported { what: format!("chain slot {slot_index}") })?;
        commands::wait_and_reset(&self.ctx.device, slot.fence, self.spin_wait)?;
        let len = route_of(&self.outputs, chain.read, "output")?.len;
        let mut out = vec![0u8; usize::try_from(len).unwrap_or(0)];
        let map = chain.bytes.mapping.as_ref().ok_or_else(|| Error::Unsupported { what: "chained runs' buffer is not mapped".into() })?;
        map.read(chain.slot_bytes.saturating_mul(slot_index as u64).saturating_add(chain.read_at), &mut out, "chained output")?;
        Ok(out)
    }
}
