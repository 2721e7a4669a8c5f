//! Owning wrappers around raw OpenCL handles (context, queue, program, kernel, memory
//! object, event), plus the call-error helper.
//!
//! opencl3's own wrapper types `expect()` inside `Drop` and when naming kernels; the
//! runtime must never panic, so it calls the raw cl3 functions (re-exported by opencl3) and
//! owns the handles here. Invariants: a wrapper exists only for a handle a successful
//! create/enqueue call returned, and releases it exactly once, in `Drop`, ignoring the
//! release status (there is nothing useful to do with it while dropping). Every live
//! wrapper is counted in [`live_objects`], so tests can check that a refused bundle
//! created nothing and that a dropped session released everything.

use crate::error::Error;
use opencl3::types::{cl_command_queue, cl_context, cl_event, cl_int, cl_kernel, cl_mem, cl_program};
use std::sync::atomic::{AtomicUsize, Ordering};

static LIVE: AtomicUsize = AtomicUsize::new(0);

/// OpenCL objects created by this crate and not yet released, process-wide.
pub fn live_objects() -> usize {
    LIVE.load(Ordering::SeqCst)
}

/// An [`Error::OpenCl`] for a failed `call`; `what` says which object or kernel it was about.
pub(crate) fn cl_error(call: &'static str, what: impl std::fmt::Display, code: cl_int) -> Error {
    Error::OpenCl { call, message: format!("{what}: {} ({code})", opencl3::error_codes::error_text(code)) }
}

macro_rules! owned_handle {
    ($(#[$doc:meta])* $name:ident, $raw:ty, $release:path) => {
        $(#[$doc])*
        pub(crate) struct $name($raw);

        impl $name {
            /// Takes ownership of `raw`, which a successful OpenCL call just returned.
            pub(crate) fn own(raw: $raw) -> Self {
                LIVE.fetch_add(1, Ordering::SeqCst);
                $name(raw)
            }

            pub(crate) fn raw(&self) -> $raw {
                self.0
            }
        }

        impl Drop for $name {
            fn drop(&mut self) {
                // SAFETY: `self.0` came from a successful create/enqueue call (see `own`) and
                // this is the only place that releases it, once. OpenCL reference counting
                // keeps the object alive for commands still using it.
                let _ = unsafe { $release(self.0) };
                LIVE.fetch_sub(1, Ordering::SeqCst);
            }
        }
    };
}

owned_handle!(
    /// A `cl_context` on one device.
    Context, cl_context, opencl3::context::context::release_context
);
owned_handle!(
    /// An in-order `cl_command_queue`.
    Queue, cl_command_queue, opencl3::command_queue::release_command_queue
);
owned_handle!(
    /// A built `cl_program` (one per bundle kernel).
    Program, cl_program, opencl3::program::release_program
);
owned_handle!(
    /// A `cl_kernel` with its arguments set (one per dispatch).
    Kernel, cl_kernel, opencl3::kernel::release_kernel
);
owned_handle!(
    /// A buffer (one per pool) or a sub-buffer (one per distinct dispatch binding).
    Mem, cl_mem, opencl3::memory::release_mem_object
);
owned_handle!(
    /// The event of one enqueued command.
    Event, cl_event, opencl3::event::release_event
);
