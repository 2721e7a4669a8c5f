//! Pinned host memory for chained runs' small transfers (`Backend::enqueue_chained`): one
//! `CL_MEM_ALLOC_HOST_PTR` buffer, mapped once for the executor's life, cut into slots.
//! A chained run's input writes read from its slot and its output read lands there, so the
//! driver can move those bytes by DMA inside the in-order queue; from pageable memory
//! (a `Vec`) it must stage them through its own pinned copy, on the host, between the
//! runs it would otherwise keep back to back. A run takes a slot no run in flight holds;
//! with none free it moves pageable bytes.

use super::handles::{cl_error, Mem};
use crate::error::{Error, Result};
use opencl3::command_queue::{enqueue_map_buffer, enqueue_unmap_mem_object, finish};
use opencl3::memory::{create_buffer, CL_MAP_READ, CL_MAP_WRITE, CL_MEM_ALLOC_HOST_PTR, CL_MEM_READ_WRITE};
use opencl3::types::{cl_command_queue, cl_context, CL_TRUE};
use std::ffi::c_void;

/// Bytes of one slot: a decode step's position and token ids and its chosen id fit many
/// times over.
pub(crate) const SLOT_BYTES: usize = 256;
/// Slots: chained runs in flight at once (the generator keeps two).
pub(crate) const SLOTS: usize = 8;

pub(crate) struct Staging {
    mem: Mem,
    /// The mapped bytes: `SLOTS * SLOT_BYTES`, valid until `unmap`.
    base: *mut u8,
}

impl Staging {
    /// The buffer, created and mapped (blocking) on `queue`.
    pub(crate) fn new(context: cl_context, queue: cl_command_queue, device: &str) -> Result<Staging> {
        let len = SLOTS * SLOT_BYTES;
        // SAFETY: no host pointer is passed; ALLOC_HOST_PTR asks the driver for host-visible
        // (pinned) memory, valid with READ_WRITE.
        let raw = unsafe { create_buffer(context, CL_MEM_READ_WRITE | CL_MEM_ALLOC_HOST_PTR, len, std::ptr::null_mut()) }.map_err(|c| cl_error("clCreateBuffer", format!("{device}: pinned staging ({len} bytes)"), c))?;
        let mem = Mem::own(raw);
        let mut mapped: opencl3::types::cl_mem = std::ptr::null_mut();
        // SAFETY: a blocking map of the whole buffer just created; the pointer it returns
        // stays valid until the buffer is unmapped (`unmap`, before `mem` is released).
        let ev = unsafe { enqueue_map_buffer(queue, mem.raw(), CL_TRUE, CL_MAP_READ | CL_MAP_WRITE, 0, len, &mut mapped, 0, std::ptr::null()) }.map_err(|c| cl_error("clEnqueueMapBuffer", format!("{device}: pinned staging"), c))?;
        drop(super::handles::Event::own(ev));
        if mapped.is_null() {
            return Err(Error::Unsupported { what: format!("{device}: clEnqueueMapBuffer returned no pointer for the pinned staging") });
        }
        Ok(Staging { mem, base: mapped.cast::<u8>() })
    }

    /// The host address of slot `slot` (`SLOT_BYTES` bytes); `None` past the last.
    pub(crate) fn slot(&self, slot: usize) -> Option<*mut u8> {
        (slot < SLOTS).then(|| self.base.wrapping_add(slot * SLOT_BYTES))
    }

    /// Copies `len` bytes at `offset` of slot `slot` out, once the commands that fill them
    /// have completed; `None` when they do not lie in one slot.
    pub(crate) fn read(&self, slot: usize, offset: usize, len: usize) -> Option<Vec<u8>> {
        if slot >= SLOTS || offset.checked_add(len)? > SLOT_BYTES {
            return None;
        }
        let mut out = vec![0u8; len];
        // SAFETY: the range lies inside slot `slot` of the mapped bytes (checked above);
        // the caller waited for the read that filled it.
        unsafe { std::ptr::copy_nonoverlapping(self.base.wrapping_add(slot * SLOT_BYTES + offset), out.as_mut_ptr(), len) };
        Some(out)
    }

    /// Unmaps the buffer (after everything queued has finished); `mem` is released when
    /// this value drops.
    pub(crate) fn unmap(self, queue: cl_command_queue) {
        let _ = finish(queue);
        // SAFETY: `base` is the pointer this buffer's map returned, unmapped once, here.
        if let Ok(ev) = unsafe { enqueue_unmap_mem_object(queue, self.mem.raw(), self.base.cast::<c_void>(), 0, std::ptr::null()) } {
            drop(super::handles::Event::own(ev));
        }
        let _ = finish(queue);
    }
}
