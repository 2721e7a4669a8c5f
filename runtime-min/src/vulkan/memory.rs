//! Device memory: one `VkBuffer` + `VkDeviceMemory` per manifest pool, of exactly the
//! pool's size, and a host-visible staging buffer for pools the host cannot map.
//!
//! Pool memory is the first device-local type the buffer allows (Vulkan orders memory types
//! so that the first match carries the fewest extra properties, i.e. plain VRAM on a
//! discrete GPU). When that type is also host-visible and coherent (unified memory, e.g.
//! lavapipe or integrated GPUs) the pool is mapped once and read and written directly;
//! otherwise transfers go through the staging buffer with copy commands.
//!
//! Invariant: every host access through a mapping is bounds-checked against the mapped
//! size, so no offset from a bundle can reach memory outside its allocation.

use super::context::Context;
use crate::error::{Error, Result};
use ash::vk;
use std::ptr::NonNull;

/// A persistent mapping of a whole allocation of `len` bytes.
pub(crate) struct Mapping {
    ptr: NonNull<u8>,
    len: u64,
}

// SAFETY: the mapping is plain host memory owned by the executor, which only reaches it
// through `&mut self` (writes) or `&self` (reads) of the owning session; moving that owner
// to another thread moves the only path to the memory with it.
unsafe impl Send for Mapping {}
// SAFETY: shared access only reads (see `read`); writes need `&mut`.
unsafe impl Sync for Mapping {}

impl Mapping {
    fn range(&self, offset: u64, len: usize, what: &str) -> Result<usize> {
        let end = offset.checked_add(len as u64);
        match end {
            Some(end) if end <= self.len => usize::try_from(offset).map_err(|_| out_of_range(what, offset, len, self.len)),
            _ => Err(out_of_range(what, offset, len, self.len)),
        }
    }

    /// Copies `bytes` into the mapping at `offset`.
    pub(crate) fn write(&mut self, offset: u64, bytes: &[u8], what: &str) -> Result<()> {
        let at = self.range(offset, bytes.len(), what)?;
        // SAFETY: `at + bytes.len() <= self.len` (checked above) and the mapping covers
        // `self.len` bytes from `ptr`; `bytes` is host memory that cannot overlap it.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), self.ptr.as_ptr().add(at), bytes.len()) };
        Ok(())
    }

    /// Copies `out.len()` bytes from the mapping at `offset` into `out`.
    pub(crate) fn read(&self, offset: u64, out: &mut [u8], what: &str) -> Result<()> {
        let at = self.range(offset, out.len(), what)?;
        // SAFETY: bounds as in `write`; the GPU is idle for this range (the caller waited on
        // the fence of the last submission, which ends with a barrier to host reads).
        unsafe { std::ptr::copy_nonoverlapping(self.ptr.as_ptr().add(at), out.as_mut_ptr(), out.len()) };
        Ok(())
    }
}

fn out_of_range(what: &str, offset: u64, len: usize, size: u64) -> Error {
    Error::Unsupported { what: format!("{what}: byte range {offset}+{len} outside its {size}-byte buffer") }
}

/// One buffer and the memory bound to it.
#[derive(Default)]
pub(crate) struct Allocation {
    pub(crate) buffer: vk::Buffer,
    pub(crate) memory: vk::DeviceMemory,
    pub(crate) size: u64,
    /// Present when the memory is host-visible and coherent and was mapped.
    pub(crate) mapping: Option<Mapping>,
}

/// Where a new allocation should live.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// Device-local; mapped if it happens to be host-visible and coherent too, unless
    /// `map` is false.
    Device { map: bool },
    /// Host-visible and coherent (cached if possible), always mapped.
    Staging,
}

impl Allocation {
    /// Creates a buffer of exactly `size` bytes (> 0) with memory chosen by `place`.
    /// On error, whatever was created is destroyed again.
    pub(crate) fn create(ctx: &Context, size: u64, place: Place, what: &str) -> Result<Allocation> {
        let usage = vk::BufferUsageFlags::STORAGE_BUFFER | vk::BufferUsageFlags::TRANSFER_SRC | vk::BufferUsageFlags::TRANSFER_DST;
        let info = vk::BufferCreateInfo::default().size(size).usage(usage).sharing_mode(vk::SharingMode::EXCLUSIVE);
        let mut out = Allocation { size, ..Allocation::default() };
        // SAFETY: `info` is valid; size > 0 is the caller's contract.
        out.buffer = unsafe { ctx.device.create_buffer(&info, None) }.map_err(|e| Error::vk("vkCreateBuffer", e))?;
        if let Err(e) = out.bind(ctx, place, what) {
            // SAFETY: the buffer and memory (possibly null) were created above and are unused.
            unsafe { out.destroy(&ctx.device) };
            return Err(e);
        }
        Ok(out)
    }

    fn bind(&mut self, ctx: &Context, place: Place, what: &str) -> Result<()> {
        // SAFETY: `self.buffer` is a valid buffer of `ctx.device`.
        let req = unsafe { ctx.device.get_buffer_memory_requirements(self.buffer) };
        let host = vk::MemoryPropertyFlags::HOST_VISIBLE | vk::MemoryPropertyFlags::HOST_COHERENT;
        let chosen = match place {
            Place::Device { .. } => ctx
                .memory_type(req.memory_type_bits, vk::MemoryPropertyFlags::DEVICE_LOCAL, vk::MemoryPropertyFlags::empty())
                .or_else(|| ctx.memory_type(req.memory_type_bits, vk::MemoryPropertyFlags::empty(), vk::MemoryPropertyFlags::empty())),
            Place::Staging => ctx.memory_type(req.memory_type_bits, host, vk::MemoryPropertyFlags::HOST_CACHED),
        };
        let (type_index, flags) = chosen.ok_or_else(|| Error::Unsupported { what: format!("{what}: no suitable Vulkan memory type") })?;
        let alloc = vk::MemoryAllocateInfo::default().allocation_size(req.size).memory_type_index(type_index);
        // SAFETY: `alloc` names a memory type the buffer allows.
        self.memory = unsafe { ctx.device.allocate_memory(&alloc, None) }.map_err(|e| {
            // Allocations above maxMemoryAllocationSize may fail (it is not a hard limit).
            if req.size > ctx.max_allocation_bytes {
                let max = ctx.max_allocation_bytes;
                Error::Unsupported { what: format!("{what}: allocating {} bytes failed ({e:?}); the device's maxMemoryAllocationSize is {max}", req.size) }
            } else {
                Error::vk("vkAllocateMemory", e)
            }
        })?;
        // SAFETY: fresh buffer and memory of at least `req.size` bytes, offset 0.
        unsafe { ctx.device.bind_buffer_memory(self.buffer, self.memory, 0) }.map_err(|e| Error::vk("vkBindBufferMemory", e))?;
        let map = match place {
            Place::Device { map } => map && flags.contains(host),
            Place::Staging => true,
        };
        if map {
            // SAFETY: the memory is host-visible, not yet mapped, and mapped whole.
            let ptr = unsafe { ctx.device.map_memory(self.memory, 0, vk::WHOLE_SIZE, vk::MemoryMapFlags::empty()) }
                .map_err(|e| Error::vk("vkMapMemory", e))?;
            let ptr = NonNull::new(ptr.cast::<u8>()).ok_or_else(|| Error::vk("vkMapMemory", "null pointer"))?;
            self.mapping = Some(Mapping { ptr, len: self.size });
        }
        Ok(())
    }

    /// Destroys the buffer and frees its memory (which also unmaps it).
    ///
    /// # Safety
    /// The GPU must no longer use the buffer, and `device` must be the one that created it.
    pub(crate) unsafe fn destroy(&mut self, device: &ash::Device) {
        self.mapping = None;
        // SAFETY: per this function's contract; null handles are ignored by Vulkan.
        unsafe {
            device.destroy_buffer(self.buffer, None);
            device.free_memory(self.memory, None);
        }
        self.buffer = vk::Buffer::null();
        self.memory = vk::DeviceMemory::null();
    }
}
