//! runtime-min: loads a sealed driftc bundle, verifies it, and executes it with no
//! planning at run time. Owns the bundle format ([`bundle`]); backends live behind cargo
//! features (`vulkan` through ash, `opencl` through opencl3).
//!
//! ```no_run
//! use runtime_min::{Bundle, HostTensor, Session, SessionOptions};
//! # fn main() -> runtime_min::Result<()> {
//! let bundle = Bundle::open("model.bundle")?;
//! let mut session = Session::new(&bundle, &SessionOptions::default())?;
//! session.set_input("x", &HostTensor::from_f32(&[4], &[1.0, 2.0, 3.0, 4.0]))?;
//! let stats = session.run()?;
//! let y = session.output("y")?.to_f32()?;
//! # let _ = (stats, y); Ok(()) }
//! ```
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::todo, clippy::dbg_macro)]
#![cfg_attr(not(test), deny(clippy::print_stdout, clippy::print_stderr))]

pub mod bundle;
pub mod error;
pub mod generate;
pub mod host;
pub mod loader;
pub mod session;
#[cfg(feature = "opencl")]
mod opencl;
#[cfg(feature = "vulkan")]
mod vulkan;

pub use bundle::{Api, DType, DeviceLimits, Manifest};
pub use error::{Error, Result};
pub use generate::{argmax, Generation, Generator, Sampling, Scores};
pub use host::HostTensor;
pub use loader::Bundle;
pub use session::{DispatchTime, RunStats, Session, SessionOptions, TensorInfo};

/// OpenCL objects this process's sessions hold right now (tests use it to check that a
/// refused bundle created nothing and a dropped session released everything).
#[cfg(feature = "opencl")]
#[doc(hidden)]
pub use opencl::live_objects as opencl_live_objects;
