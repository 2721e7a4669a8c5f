//! [`Bundle`]: a bundle's bytes (memory-mapped, owned, or `&'static` from `include_bytes!`)
//! plus its decoded manifest.
//!
//! Invariant: a `Bundle` exists only after [`crate::bundle::open`] accepted its bytes with
//! no device limits, i.e. the hash, the header, every index and every byte range inside the
//! sections were checked. Device limits are checked again by [`crate::Session::new`].

use crate::bundle::{self, Header, Manifest};
use crate::error::{Error, Result};
use std::ops::Range;
use std::path::Path;

enum Bytes {
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
    Static(&'static [u8]),
}

impl Bytes {
    fn as_slice(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Owned(v) => v,
            Bytes::Static(s) => s,
        }
    }
}

/// A verified bundle, ready to create [`crate::Session`]s from.
pub struct Bundle {
    bytes: Bytes,
    header: Header,
    manifest: Manifest,
    kernels: Range<usize>,
    weights: Range<usize>,
}

impl std::fmt::Debug for Bundle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bundle")
            .field("bytes", &self.bytes.as_slice().len())
            .field("target", &self.manifest.target)
            .field("api", &self.manifest.api)
            .finish_non_exhaustive()
    }
}

/// Byte range of `section` (already checked to lie inside the file by `bundle::open`).
fn range_of((offset, len): (u64, u64), file_len: usize) -> Result<Range<usize>> {
    let start = usize::try_from(offset).ok();
    let end = offset.checked_add(len).and_then(|e| usize::try_from(e).ok());
    match (start, end) {
        (Some(s), Some(e)) if s <= e && e <= file_len => Ok(s..e),
        _ => Err(bundle::BundleError::Invalid {
            field: "header".into(),
            message: format!("section {offset}+{len} lies outside the file of {file_len} bytes"),
        }
        .into()),
    }
}

impl Bundle {
    fn new(bytes: Bytes) -> Result<Self> {
        let data = bytes.as_slice();
        let view = bundle::open(data, None)?;
        let kernels = range_of(view.header.kernels, data.len())?;
        let weights = range_of(view.header.weights, data.len())?;
        let (header, manifest) = (view.header, view.manifest);
        Ok(Bundle { bytes, header, manifest, kernels, weights })
    }

    /// Memory-maps the file at `path` and verifies it.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let io = |source| Error::Io { path: path.to_path_buf(), source };
        let file = std::fs::File::open(path).map_err(io)?;
        // SAFETY: `Mmap::map` is unsafe because another process may modify or truncate the
        // file while it is mapped. Bundles are immutable build outputs; we only ever read
        // the mapping as plain bytes, and everything we rely on is hashed and checked right
        // here and copied (manifest decoded, kernels and weights uploaded) at session
        // creation. A file changed under us afterwards is outside what we can guard.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(io)?;
        Self::new(Bytes::Mapped(map))
    }

    /// Verifies a bundle held in an owned buffer.
    pub fn from_vec(bytes: Vec<u8>) -> Result<Self> {
        Self::new(Bytes::Owned(bytes))
    }

    /// Verifies a bundle embedded in the program, e.g. with `include_bytes!`.
    pub fn from_static(bytes: &'static [u8]) -> Result<Self> {
        Self::new(Bytes::Static(bytes))
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The whole file.
    pub fn bytes(&self) -> &[u8] {
        self.bytes.as_slice()
    }

    /// The kernels section, which `Kernel::code` ranges index into.
    pub fn kernels_section(&self) -> &[u8] {
        self.bytes.as_slice().get(self.kernels.clone()).unwrap_or_default()
    }

    /// The weights section, which `WeightUpload::data` ranges index into.
    pub fn weights_section(&self) -> &[u8] {
        self.bytes.as_slice().get(self.weights.clone()).unwrap_or_default()
    }
}
